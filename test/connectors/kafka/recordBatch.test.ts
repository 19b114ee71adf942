/**
 * dstream's own Fetch and RecordBatch v2 decoder, against the real broker and against the client
 * library's decoding of the same bytes: compressed batches (written by the broker's own Java
 * codecs and by the library's producer), sub-ranges inside a compressed batch, CRC checks,
 * control records and read_committed over aborted transactions.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import zlib from "node:zlib";
import { describe, it } from "node:test";
import { KafkaClients, KafkaException, type KafkaConsumerClient, type ProducerRecord, type RawRecord } from "../../../src/connectors/kafka/index.js";
import { clientConfigFromParams } from "../../../src/connectors/kafka/client/KafkaClientConfig.js";
import { KafkaConsumerClient as ConsumerClient, type FetchPath } from "../../../src/connectors/kafka/client/KafkaConsumerClient.js";
import { decodeRecordBatches } from "../../../src/connectors/kafka/client/decodeRecordBatch.js";
import { RecordBlock } from "../../../src/connectors/kafka/client/RecordBlock.js";
import { KafkaWireClient } from "../../../src/connectors/kafka/client/wire/KafkaWireClient.js";
import { executorConsumerSettings } from "../../../src/connectors/kafka/KafkaParams.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "./broker.js";

const broker = useBroker();
const hasZstd = typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === "function";

function consumer(path: FetchPath, topic: string, partitions = 1, isolation: "read_committed" | "read_uncommitted" = "read_uncommitted"): KafkaConsumerClient {
  const params = { "bootstrap.servers": BOOTSTRAP, "isolation.level": isolation };
  const c = new ConsumerClient(clientConfigFromParams(params, "record-batch-test"), { ...executorConsumerSettings(params).consumer, groupId: "record-batch-test", fetchMaxWaitMs: 100 }, path);
  c.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
  return c;
}

/**
 * The same range read by both fetch paths; the wire path's packed block must hold the same records.
 * `compare` false: the client library cannot read it (snappy as Kafka's Java side frames it).
 */
async function readBoth(topic: string, from: number, until: number, isolation: "read_committed" | "read_uncommitted" = "read_uncommitted", compare = true): Promise<RawRecord[]> {
  const wire = consumer("wire", topic, 1, isolation);
  const library = consumer("library", topic, 1, isolation);
  try {
    const tp = { topic, partition: 0 };
    const [w, l, block] = await Promise.all([
      wire.fetchRange(tp, from, until, { timeoutMs: 10_000 }),
      compare ? library.fetchRange(tp, from, until, { timeoutMs: 10_000 }) : undefined,
      wire.fetchRecords(tp, from, until, { timeoutMs: 10_000 }),
    ]);
    assert.ok(block instanceof RecordBlock, "the wire path reads into a packed block");
    const plain = (rs: RawRecord[]): unknown[] => rs.map((r) => ({ ...r, key: r.key && r.key.toString("utf8"), value: r.value && r.value.toString("utf8") }));
    if (l) assert.deepEqual(plain(w), plain(l), "the wire path decodes what the client library decodes");
    assert.deepEqual(plain(block.toRawRecords()), plain(w));
    return w;
  } finally {
    await Promise.all([wire.close(), library.close()]);
  }
}

/** Varied records: null and empty keys and values, multi-byte text, long values, headers on some. */
function mixed(topic: string, n: number, base = 0): ProducerRecord[] {
  return Array.from({ length: n }, (_, j) => {
    const i = base + j;
    return {
      topic,
      partition: 0,
      key: i % 7 === 0 ? null : i % 11 === 0 ? "" : `k${i}`,
      value: i % 13 === 0 ? null : i % 17 === 0 ? "" : `v${i} ünïcødé ${"x".repeat(i % 300)}`,
      ...(i % 5 === 0 ? { headers: { h: `h${i}`, second: "2" } } : {}),
    };
  });
}

const text = (rs: RawRecord[]): Array<string | null> => rs.map((r) => (r.value === null ? null : r.value.toString("utf8")));

describe("Kafka RecordBatch decoding (dstream's own fetch path)", () => {
  for (const codec of ["gzip", "snappy", "lz4", "zstd"] as const) {
    // The library hands snappy-java's framing to a raw snappy decoder, which fails ("unreachable").
    const compare = codec !== "snappy";
    it(`reads batches the broker compressed with ${codec}${compare ? ", as the client library does" : " (which the client library cannot read)"}`, async () => {
      const topic = uniqueTopic(`batch-${codec}`);
      await broker.admin.createTopics([{ name: topic, numPartitions: 1, configs: { "compression.type": codec } }]);
      for (let b = 0; b < 3; b++) await broker.produce(mixed(topic, 200, b * 200));
      if (codec === "zstd" && !hasZstd) {
        const wire = consumer("wire", topic);
        try {
          await assert.rejects(wire.fetchRange({ topic, partition: 0 }, 0, 600, { timeoutMs: 5_000 }), (e: Error) => e instanceof KafkaException && /zstd/.test(e.message) && /Node/.test(e.message));
        } finally {
          await wire.close();
        }
        return;
      }
      const all = await readBoth(topic, 0, 600, "read_uncommitted", compare);
      assert.equal(all.length, 600);
      assert.deepEqual(
        all.map((r) => r.offset),
        Array.from({ length: 600 }, (_, i) => i),
      );
      const expected = [...mixed(topic, 200, 0), ...mixed(topic, 200, 200), ...mixed(topic, 200, 400)];
      assert.deepEqual(text(all), expected.map((r) => (r.value === null ? null : String(r.value))));
      assert.deepEqual(all[5]!.headers, [
        { key: "h", value: new Uint8Array(Buffer.from("h5")) },
        { key: "second", value: new Uint8Array(Buffer.from("2")) },
      ]);
      // A range that starts and ends inside compressed batches.
      const mid = await readBoth(topic, 150, 433, "read_uncommitted", compare);
      assert.deepEqual(
        mid.map((r) => r.offset),
        Array.from({ length: 283 }, (_, i) => 150 + i),
      );
    });
  }

  for (const codec of ["gzip", "snappy", "lz4"] as const) {
    it(`reads batches the client library's producer compressed with ${codec}`, async () => {
      const topic = await broker.createTopic(uniqueTopic(`producer-${codec}`));
      const producer = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "compression.type": codec });
      try {
        await producer.send(mixed(topic, 250));
        await producer.send(mixed(topic, 250, 250));
      } finally {
        await producer.close();
      }
      const all = await readBoth(topic, 0, 500);
      assert.deepEqual(text(all), [...mixed(topic, 250), ...mixed(topic, 250, 250)].map((r) => (r.value === null ? null : String(r.value))));
    });
  }

  it("refuses a batch whose CRC-32C does not match, with Kafka's message", async () => {
    const topic = await broker.createTopic(uniqueTopic("batch-crc"));
    await broker.produce(mixed(topic, 20));
    const client = new KafkaWireClient(clientConfigFromParams({ "bootstrap.servers": BOOTSTRAP }, "record-batch-test"));
    try {
      const md = await client.topic(topic, true);
      const part = await client.fetch(md!.partitions[0]!.leader, {
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        readCommitted: false,
        partition: { topic, partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, partitionMaxBytes: 1 << 20 },
      });
      const [start, end] = part.records!;
      const good = new RecordBlock();
      assert.equal(decodeRecordBatches(good, part.buffer, start, end, 0, 20, null, `${topic}-0`).nextPosition, 20);
      assert.equal(good.count, 20);
      // One bit of the last record's value.
      part.buffer[end - 3] ^= 0x01;
      assert.throws(
        () => decodeRecordBatches(new RecordBlock(), part.buffer, start, end, 0, 20, null, `${topic}-0`),
        (e: Error) => e instanceof KafkaException && new RegExp(`Record batch for partition ${topic}-0 at offset 0 is invalid, cause: Record is corrupt \\(stored crc = \\d+, computed crc = \\d+\\)`).test(e.message),
      );
    } finally {
      client.close();
    }
  });

  it("read_committed leaves out aborted transactions and every control record, as the client library does", async () => {
    const topic = await broker.createTopic(uniqueTopic("batch-tx"));
    const a = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": uniqueTopic("txa") });
    const b = KafkaClients.producer({ "bootstrap.servers": BOOTSTRAP, "transactional.id": uniqueTopic("txb") });
    const rec = (value: string): ProducerRecord => ({ topic, partition: 0, value });
    try {
      await a.initTransactions();
      await b.initTransactions();
      // a commits, then a and b write interleaved: b aborts while a commits, plain records between.
      await a.beginTransaction();
      await a.send([rec("a1"), rec("a2")]);
      await a.commitTransaction();
      await a.beginTransaction();
      await b.beginTransaction();
      await b.send([rec("b-aborted-1")]);
      await a.send([rec("a3")]);
      await broker.produce([rec("plain-1")]);
      await b.send([rec("b-aborted-2"), rec("b-aborted-3")]);
      await a.send([rec("a4")]);
      await b.abortTransaction();
      await a.commitTransaction();
      await b.beginTransaction();
      await b.send([rec("b1")]);
      await b.commitTransaction();
      await broker.produce([rec("plain-2")]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const end = await broker.endOffset(topic, 0);
    const committed = await readBoth(topic, 0, end, "read_committed");
    assert.deepEqual(text(committed), ["a1", "a2", "a3", "plain-1", "a4", "b1", "plain-2"]);
    const uncommitted = await readBoth(topic, 0, end, "read_uncommitted");
    assert.deepEqual(text(uncommitted), ["a1", "a2", "b-aborted-1", "a3", "plain-1", "b-aborted-2", "b-aborted-3", "a4", "b1", "plain-2"]);
    // Control records hold offsets of their own: the gaps are theirs.
    assert.equal(end, uncommitted.length + 4);
    // A range that starts after the aborted transaction's first record still leaves out the rest of it.
    const from = uncommitted.find((r) => String(r.value) === "a3")!.offset;
    assert.deepEqual(text(await readBoth(topic, from, end, "read_committed")), ["a3", "plain-1", "a4", "b1", "plain-2"]);
  });

  it("an executor that only reads never loads the Kafka client library (its import compiles validators: seconds per thread)", () => {
    const script = [
      'import { createRequire } from "node:module";',
      'await import("./src/connectors/kafka/KafkaRDD.ts");',
      "const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/(ajv|@platformatic\\/kafka)\\//.test(k));",
      "console.log(JSON.stringify(loaded));",
    ].join("\n");
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
    assert.deepEqual(JSON.parse(out.trim().split("\n").pop()!), []);
  });
});
