/** Kafka's `TopicPartition`: a topic name and a partition number, printed as `topic-partition`. */
export class TopicPartition {
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof TopicPartition && other.topic === this.topic && other.partition === this.partition;
  }

  toString(): string {
    return `${this.topic}-${this.partition}`;
  }
}

/** The plain shape that crosses threads and that the client layer takes. */
export interface TopicPartitionLike {
  readonly topic: string;
  readonly partition: number;
}

export function tpKey(tp: TopicPartitionLike): string {
  return `${tp.topic}-${tp.partition}`;
}
