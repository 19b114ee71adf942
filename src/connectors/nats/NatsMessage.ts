/**
 * One JetStream message as a record. `seq` is its stream sequence: unique in the stream and kept
 * on every redelivery, so it is the key to deduplicate by.
 */
export interface NatsMessage<T = string> {
  readonly subject: string;
  /** The payload, as the decoder made it (UTF-8 text by default). */
  readonly data: T;
  readonly seq: number;
  /** Header names to their values; absent when the message has none. */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** When the stream stored the message, in ms since the epoch. */
  readonly timestamp: number;
}

/** Turns one message's payload into `data`; throwing marks the message undecodable. */
export type NatsMessageDecoder<T> = (payload: Uint8Array, subject: string) => T;

/** The default decoder: the payload as UTF-8 text, refusing bytes that are not UTF-8. */
export function utf8Text(payload: Uint8Array): string {
  return UTF8.decode(payload);
}
const UTF8 = new TextDecoder("utf-8", { fatal: true });
