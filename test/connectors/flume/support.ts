/** What the Flume tests share: a context, a collector of bodies, a listener of receiver errors, and a netcat client. */
import { createConnection } from "node:net";
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

/** Writes lines to a Flume netcat source on 127.0.0.1:port; resolves once it has answered OK to each. */
export function sendLines(port: number, lines: string[]): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => s.write(lines.map((l) => `${l}\n`).join("")));
    let oks = 0;
    s.setEncoding("utf8");
    s.on("data", (d: string) => {
      oks += d.split("OK\n").length - 1;
      if (oks >= lines.length) {
        s.end();
        resolve();
      }
    });
    s.on("error", reject);
  });
}
