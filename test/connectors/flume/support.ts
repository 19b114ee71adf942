/** What the Flume tests share: a context, a collector of bodies, and a listener of receiver errors. */
import { Milliseconds, StreamingContext, type DStream } from "../../../src/index.js";
import { bodyAsString, type SparkFlumeEvent } from "../../../src/connectors/flume/index.js";

export function flumeContext(conf: Record<string, string> = {}): StreamingContext {
  return new StreamingContext({
    master: "local[2]",
    appName: "flume-test",
    batchDuration: Milliseconds(200),
    conf: { "spark.ui.enabled": "false", "spark.streaming.receiverRestartDelay": "200", ...conf },
  });
}

export interface Collected {
  bodies: string[];
  headers: Array<Record<string, string>>;
}

/** Every event of every batch, in arrival order (output runs on the driver). */
export function collect(stream: DStream<SparkFlumeEvent>): Collected {
  const out: Collected = { bodies: [], headers: [] };
  stream.foreachRDD(async (rdd) => {
    for (const e of await rdd.collect()) {
      out.bodies.push(bodyAsString(e));
      out.headers.push(e.event.headers);
    }
  });
  return out;
}

/** Receiver error messages, as streaming listeners see them. */
export function receiverErrors(ssc: StreamingContext): string[] {
  const errors: string[] = [];
  ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => errors.push(receiverInfo.lastErrorMessage) });
  return errors;
}

export function range(n: number, prefix = ""): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

export function sortedNumerically(xs: string[]): string[] {
  return [...xs].sort((a, b) => Number(a.replace(/\D/g, "")) - Number(b.replace(/\D/g, "")));
}
