/**
 * The streaming page's receiver table and the REST `streaming/receivers` endpoint, for the
 * receiver of every receiver-based connector (Flume push and polling, Twitter, ZeroMQ SUB and
 * PULL, sockets): each is started against a peer that is not there, and both show its status,
 * its last error (naming the connector, the address and the fix) and its rate. Kafka's direct
 * stream has no receiver.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { Milliseconds, StreamingContext, type DStream } from "../../src/index.js";
import { FlumeUtils } from "../../src/connectors/flume/index.js";
import { TwitterUtils } from "../../src/connectors/twitter/index.js";
import { ZeroMQUtils } from "../../src/connectors/zeromq/index.js";
import { freePort } from "../connectors/flume/agent.js";
import { waitUntil } from "../streaming/recovery/childApp.js";

interface ReceiverJson {
  streamId: number;
  streamName: string;
  isActive?: boolean;
  lastErrorMessage?: string;
  lastErrorTime?: string;
  avgEventRate?: number;
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);
}

/** Polls `get` until `check` returns a value (not undefined). */
async function until<T, R>(get: () => Promise<T>, check: (v: T) => R | undefined, what: string): Promise<R> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = check(await get());
    if (r !== undefined) return r;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function failingReceiverIsShown(make: (ssc: StreamingContext) => DStream<unknown>, name: RegExp, error: RegExp, conf: Record<string, string> = {}): Promise<void> {
  const ssc = new StreamingContext({
    master: "local[2]",
    appName: "receivers-ui",
    batchDuration: Milliseconds(200),
    conf: { "spark.ui.enabled": "true", "spark.ui.port": "0", "spark.streaming.receiverRestartDelay": "200", ...conf },
  });
  const errors: string[] = [];
  ssc.addStreamingListener({ onReceiverError: ({ receiverInfo }) => errors.push(receiverInfo.lastErrorMessage) });
  make(ssc).foreachRDD(() => undefined);
  ssc.start();
  try {
    await waitUntil(() => (errors.some((e) => error.test(e)) ? true : undefined), 30_000, `the receiver reports ${error}`);
    const base = ssc.sparkContext.uiWebUrl!;
    const api = `${base}/api/v1/applications/${ssc.sparkContext.applicationId}/streaming/receivers`;
    // The rate is an average over batches: wait for one to have run.
    const r = await until(
      async () => (await (await fetch(api)).json()) as ReceiverJson[],
      (rs) => rs.find((x) => x.avgEventRate !== undefined && error.test(x.lastErrorMessage ?? "")),
      "the REST receivers endpoint shows the error and a rate",
    );
    assert.match(r.streamName, name);
    assert.equal(typeof r.isActive, "boolean", "a status");
    assert.ok(r.lastErrorTime, "the last error's time");
    assert.equal(r.avgEventRate, 0, "nothing was received");

    const page = await (await fetch(`${base}/streaming/`)).text();
    const table = /id="receivers-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? "";
    const row = new RegExp(`<tr data-stream-id="${r.streamId}"[^>]*>([\\s\\S]*?)</tr>`).exec(table)?.[1];
    assert.ok(row, `the page's receiver table has a row for stream ${r.streamId}:\n${table}`);
    assert.match(row, /<td class="receiver-status"><span class="badge badge-(ok|fail)">(ACTIVE|INACTIVE)<\/span><\/td>/);
    assert.match(row, /<td class="receiver-rate">0\.00 records\/sec<\/td>/);
    // The error may have been reported again since the REST call (a restart's delay grows): match it, not that exact text.
    const cell = /<td class="receiver-error">([\s\S]*?)<\/td>/.exec(row)?.[1] ?? "";
    assert.match(unescapeHtml(cell.replace(/<[^>]+>/g, "")), new RegExp(error.source.replace(/^\^/, "")), `the last error is in the row:\n${row}`);
  } finally {
    await ssc.stop();
  }
}

test("Flume push: a port already in use", async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  const port = (taken.address() as { port: number }).port;
  try {
    await failingReceiverIsShown((ssc) => FlumeUtils.createStream(ssc, "127.0.0.1", port), /FlumeReceiver/, new RegExp(`Flume: cannot listen for Avro sinks on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
  } finally {
    taken.close();
  }
});

test("Flume polling: no SparkSink at the address", async () => {
  const port = await freePort();
  await failingReceiverIsShown((ssc) => FlumeUtils.createPollingStream(ssc, "127.0.0.1", port), /FlumePollingReceiver/, new RegExp(`Flume: cannot connect to the SparkSink at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); start the Flume agent`));
});

test("Twitter: the API base does not answer", async () => {
  const port = await freePort();
  await failingReceiverIsShown((ssc) => TwitterUtils.createStream(ssc, { bearerToken: "t" }, ["dstream"]), /TwitterReceiver/, new RegExp(`^Twitter: .*127\\.0\\.0\\.1:${port}`), { "spark.twitter.apiBase": `http://127.0.0.1:${port}` });
});

test("ZeroMQ SUB: no publisher bound", async () => {
  const port = await freePort();
  await failingReceiverIsShown((ssc) => ZeroMQUtils.createTextStream(ssc, `tcp://127.0.0.1:${port}`, "t"), /ZeroMQReceiver/, new RegExp(`^ZeroMQ: cannot connect the SUB socket to tcp://127\\.0\\.0\\.1:${port}: no peer is bound there; .*start the peer`));
});

test("ZeroMQ PULL: no pusher bound", async () => {
  const port = await freePort();
  await failingReceiverIsShown((ssc) => ZeroMQUtils.createPullStream(ssc, `tcp://127.0.0.1:${port}`, ZeroMQUtils.textFrames), /ZeroMQReceiver/, new RegExp(`^ZeroMQ: cannot connect the PULL socket to tcp://127\\.0\\.0\\.1:${port}`));
});

test("socketTextStream: nothing listens", async () => {
  const port = await freePort();
  await failingReceiverIsShown((ssc) => ssc.socketTextStream("127.0.0.1", port), /SocketReceiver/, new RegExp(`127\\.0\\.0\\.1:${port}`));
});
