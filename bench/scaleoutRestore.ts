/**
 * npm run bench:scaleout-restore — how long a new owner of tasks takes to restore their state
 * from a scale-out changelog (so.updateStateByKey), on the broker at KAFKA_BOOTSTRAP (default
 * 127.0.0.1:9092; start one with `bash scripts/kafka.sh start`).
 *
 * It loads a changelog topic of BENCH_PARTITIONS partitions (12) with BENCH_KEYS keys (1M), each
 * key's JSON state in the partition HashPartitioner gives it, as copies write it. Then, for
 * BENCH_ROUNDS rounds (3), it times, one after the other:
 *   - the baseline: a raw read of every record of those partitions (fetch and decode, nothing else);
 *   - the restore: StateChangelog.restore of every partition, as a copy that takes all the tasks
 *     over does it (fetch, decode, parse each key and state, build the per-task state maps).
 * It prints the medians, the restore's ratio to the raw read, and the goal (a restore of 1M keys
 * in 5 s or less). The topic is fresh, so nothing is compacted yet: each key's record is read once.
 */
import { HashPartitioner } from "../src/index.js";
import { KafkaClients, type ProducerRecord } from "../src/connectors/kafka/index.js";
import { StateChangelog } from "../src/connectors/kafka-scaleout/StateChangelog.js";

const BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 12);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const params = { "bootstrap.servers": BOOTSTRAP };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const admin = KafkaClients.admin(params);
const topic = `bench-changelog-${Date.now()}`;
const changelog = new StateChangelog<string, { count: number; last: number }>("bench", topic, () => admin, params, 120_000);
const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
try {
  await changelog.create(PARTITIONS);
  const producer = KafkaClients.producer(params);
  const hp = new HashPartitioner(PARTITIONS);
  const loadStart = Date.now();
  let chunk: ProducerRecord[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = `user-${i}`;
    chunk.push(changelog.update(hp.getPartition(key), JSON.stringify(key), JSON.stringify({ count: i % 97, last: 1_796_000_000_000 + i })));
    if (chunk.length === 20_000 || i === KEYS - 1) {
      await producer.send(chunk);
      chunk = [];
    }
  }
  await producer.close();
  console.log(`loaded ${KEYS} keys into ${topic} (${PARTITIONS} partitions) in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

  const raw: number[] = [];
  const restore: number[] = [];
  const consumer = KafkaClients.consumer({ ...params, "isolation.level": "read_committed" });
  const tps = partitions.map((partition) => ({ topic, partition }));
  consumer.assign(tps);
  for (let round = 0; round < ROUNDS; round++) {
    let t0 = performance.now();
    let n = 0;
    for (const end of await admin.endOffsets(tps, "read_committed")) n += (await consumer.fetchRange(end, 0, end.offset, { timeoutMs: 120_000 })).length;
    raw.push(performance.now() - t0);
    if (n !== KEYS) throw new Error(`raw read: ${n} records, expected ${KEYS}`);
    t0 = performance.now();
    const restored = await changelog.restore(partitions);
    restore.push(performance.now() - t0);
    const keys = [...restored.values()].reduce((s, m) => s + m.size, 0);
    if (keys !== KEYS) throw new Error(`restore: ${keys} keys, expected ${KEYS}`);
    console.log(`round ${round + 1}: raw read ${raw.at(-1)!.toFixed(0)} ms, restore ${restore.at(-1)!.toFixed(0)} ms`);
  }
  await consumer.close();
  const r = median(restore);
  console.log(`\nrestore of ${KEYS} keys from ${PARTITIONS} changelog partitions, medians of ${ROUNDS}:`);
  console.log(`  raw read (baseline)  ${median(raw).toFixed(0)} ms  ${((KEYS / median(raw)) * 1000).toFixed(0)} records/s`);
  console.log(`  restore              ${r.toFixed(0)} ms  ${((KEYS / r) * 1000).toFixed(0)} keys/s  ${(r / median(raw)).toFixed(2)}× the raw read`);
  console.log(`  goal: ≤ 5000 ms for 1M keys: ${r * (1_000_000 / KEYS) <= 5000 ? "met" : "not met"} (${((r * (1_000_000 / KEYS)) / 1000).toFixed(2)} s per 1M keys)`);
} finally {
  await admin.deleteTopics([topic]).catch(() => undefined);
  await changelog.close();
  await admin.close();
}
