/**
 * A streaming application for the UI tests, driven by a ManualClock: one input stream that
 * reports record counts, one receiver stream the test stores into, and two output operations
 * (one that runs Spark jobs, one that can be told to fail). Plus an SSE client and a parser of
 * Prometheus' text format.
 */
import { request } from "node:http";
import {
  InputDStream,
  ManualClock,
  Receiver,
  Seconds,
  SparkUI,
  StreamingContext,
  type RDD,
  type Time,
} from "../../src/index.js";

/** Batch i (from 1) has `counts[i - 1]` records (the last count repeats). */
export class CountingInput extends InputDStream<number> {
  constructor(
    ssc: StreamingContext,
    private readonly counts: readonly number[],
  ) {
    super(ssc);
  }
  start(): void {}
  stop(): void {}
  compute(validTime: Time): RDD<number> {
    const i = (validTime.milliseconds - this.zeroTime!.milliseconds) / this.slideDuration.milliseconds - 1;
    const n = this.counts[Math.min(i, this.counts.length - 1)] ?? 0;
    this.reportInputInfo(validTime, n, { Description: `generated ${n} numbers` });
    return this.context.sparkContext.parallelize(
      Array.from({ length: n }, (_, k) => k),
      2,
    );
  }
}

export class HandReceiver extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

export interface TestApp {
  ssc: StreamingContext;
  clock: ManualClock;
  ui: SparkUI;
  /** "http://127.0.0.1:<port>" */
  url: string;
  appId: string;
  /** REST base: `${url}/api/v1/applications/${appId}` */
  api: string;
  input: CountingInput;
  receiver: HandReceiver;
  /** Makes the second output operation throw in batches whose time is in this set. */
  failAt: Set<number>;
  stop(): Promise<void>;
}

export async function startApp(opts: { counts?: number[]; conf?: Record<string, string>; master?: string } = {}): Promise<TestApp> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    master: opts.master ?? "local[1]",
    appName: "ui-test",
    batchDuration: Seconds(1),
    clock,
    conf: { "spark.ui.enabled": "true", "spark.ui.port": "0", "spark.app.secret.token": "hunter2", ...opts.conf },
  });
  try {
    const failAt = new Set<number>();
    const input = new CountingInput(ssc, opts.counts ?? [3, 5, 2, 8, 4]);
    const receiver = new HandReceiver();
    const lines = ssc.receiverStream(receiver);
    input
      .map((x) => [x % 3, 1] as [number, number])
      .reduceByKey((a, b) => a + b)
      .foreachRDD(async (rdd) => {
        await rdd.count();
      });
    lines.union(input.map((x) => String(x))).foreachRDD(async (rdd, time) => {
      await rdd.count();
      if (failAt.has(time.milliseconds)) throw new Error(`planned failure at ${time.milliseconds}\n    at the test's output operation`);
    });
    ssc.start();
    const ui = SparkUI.get(ssc.sparkContext);
    if (!ui) throw new Error("the StreamingContext started no web UI");
    const url = await ui.whenBound();
    const appId = ssc.sparkContext.applicationId;
    return {
      ssc,
      clock,
      ui,
      url,
      appId,
      api: `${url}/api/v1/applications/${appId}`,
      input,
      receiver,
      failAt,
      stop: () => ssc.stop(),
    };
  } catch (e) {
    await ssc.stop();
    throw e;
  }
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  if (!(res.headers.get("content-type") ?? "").startsWith("application/json")) throw new Error(`GET ${url}: not JSON`);
  return (await res.json()) as T;
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** A minimal EventSource over node:http that hands out events in order as they arrive. */
export class SseClient {
  private readonly queue: SseEvent[] = [];
  private waiter: (() => void) | undefined;
  private buffer = "";
  private closed = false;
  private readonly req: ReturnType<typeof request>;

  constructor(url: string) {
    this.req = request(url, { headers: { Accept: "text/event-stream" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        this.buffer += chunk;
        let i: number;
        while ((i = this.buffer.indexOf("\n\n")) >= 0) {
          const block = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 2);
          let event = "message";
          const data: string[] = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data.push(line.slice(6));
          }
          if (data.length > 0) this.queue.push({ event, data: JSON.parse(data.join("\n")) });
        }
        this.waiter?.();
      });
      res.on("end", () => {
        this.closed = true;
        this.waiter?.();
      });
    });
    this.req.on("error", () => {
      this.closed = true;
      this.waiter?.();
    });
    this.req.end();
  }

  /** The next event that satisfies `match`, skipping others. */
  async next(match: (e: SseEvent) => boolean, what: string): Promise<SseEvent> {
    for (;;) {
      const i = this.queue.findIndex(match);
      if (i >= 0) return this.queue.splice(0, i + 1)[i]!;
      this.queue.length = 0;
      if (this.closed) throw new Error(`event stream ended before ${what}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  close(): void {
    this.req.destroy();
  }
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses Prometheus' text exposition format strictly: every line is a HELP, a TYPE, or a sample
 * of a family declared just before; label values are quoted with escapes; values are numbers.
 */
export function parsePrometheus(text: string): { samples: PromSample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: PromSample[] = [];
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  let family: string | undefined;
  for (const line of text.slice(0, -1).split("\n")) {
    let m: RegExpExecArray | null;
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line))) {
      family = m[1];
      continue;
    }
    if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      if (m[1] !== family) throw new Error(`TYPE without HELP: ${line}`);
      if (types.has(m[1]!)) throw new Error(`family declared twice: ${m[1]}`);
      types.set(m[1]!, m[2]!);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!m) throw new Error(`not a valid sample line: ${JSON.stringify(line)}`);
    const name = m[1]!;
    const base = name.replace(/_(bucket|sum|count)$/, "");
    if (name !== family && base !== family) throw new Error(`sample ${name} outside its family (${family ?? "none"})`);
    const labels: Record<string, string> = {};
    const body = m[3] ?? "";
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    let pos = 0;
    while (pos < body.length) {
      re.lastIndex = pos;
      const l = re.exec(body);
      if (!l) throw new Error(`bad labels in ${line}`);
      labels[l[1]!] = l[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      pos = re.lastIndex;
    }
    const value = m[4] === "+Inf" ? Infinity : m[4] === "-Inf" ? -Infinity : Number(m[4]);
    if (m[4] !== "NaN" && Number.isNaN(value)) throw new Error(`bad value in ${line}`);
    samples.push({ name, labels, value });
  }
  return { samples, types };
}
