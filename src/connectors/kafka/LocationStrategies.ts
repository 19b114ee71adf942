import { IllegalArgumentException } from "../../core/errors.js";
import type { TopicPartition } from "./TopicPartition.js";

/**
 * Spark's `LocationStrategy`: where Kafka partitions should be read. dstream's executors are
 * threads of one process, all equally close to every broker, so the strategies are accepted for
 * Spark programs to port unchanged and every one spreads partitions over the executors as
 * `PreferConsistent` does.
 */
export class LocationStrategy {
  private constructor(
    readonly kind: "PreferConsistent" | "PreferBrokers" | "PreferFixed",
    readonly hostMap: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** @internal */
  static of(kind: LocationStrategy["kind"], hostMap?: ReadonlyMap<string, string>): LocationStrategy {
    return new LocationStrategy(kind, hostMap);
  }

  toString(): string {
    return this.kind;
  }
}

export const LocationStrategies = {
  /** Spread partitions evenly over the executors: what almost every program wants. */
  PreferConsistent: LocationStrategy.of("PreferConsistent"),
  /** Prefer executors on the partition leaders' hosts (one host here: the same as PreferConsistent). */
  PreferBrokers: LocationStrategy.of("PreferBrokers"),
  /** Prefer the given host for the given partitions (one host here: the same as PreferConsistent). */
  PreferFixed(hostMap: ReadonlyMap<TopicPartition, string> | Readonly<Record<string, string>>): LocationStrategy {
    if (typeof hostMap !== "object" || hostMap === null) throw new IllegalArgumentException("PreferFixed: pass a Map from TopicPartition to host");
    const entries: Array<[string, string]> =
      hostMap instanceof Map ? [...hostMap].map(([tp, host]) => [String(tp), host]) : Object.entries(hostMap as Record<string, string>);
    return LocationStrategy.of("PreferFixed", new Map(entries));
  },
} as const;
