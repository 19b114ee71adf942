/**
 * One Flume event: Flume's string headers and its body bytes (Flume's AvroFlumeEvent).
 */
export interface AvroFlumeEvent {
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * The records of FlumeUtils' streams, as Spark's `SparkFlumeEvent`: the Flume event is its
 * `event` field, so Spark's `e.event.getBody` becomes `e.event.body` and `e.event.getHeaders`
 * becomes `e.event.headers`. A plain object (not a class) because records cross threads packed.
 */
export interface SparkFlumeEvent {
  event: AvroFlumeEvent;
}

/** The body as UTF-8 text, the usual first step (Spark: `new String(e.event.getBody.array())`). */
export function bodyAsString(e: SparkFlumeEvent): string {
  return Buffer.from(e.event.body.buffer, e.event.body.byteOffset, e.event.body.byteLength).toString("utf8");
}
