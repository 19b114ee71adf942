/**
 * npm run bench:inputs — records/s of the MQTT, RabbitMQ, Redis Streams and NATS JetStream receivers through
 * dstream `local[2]` (the receiver's stream, counted per batch, until all N records are counted)
 * against the same client library's raw read loop on one thread, same N messages, same server,
 * in the same run. BENCH_ROUNDS rounds, each running every configuration once in an order that
 * rotates from round to round; medians, and the ratio dstream / raw per input.
 *
 * The messages are in the broker before the clock starts, and each timed run starts from its
 * connect (dstream's from ssc.start(), which includes launching the receiver):
 * - RabbitMQ: a fresh durable queue per run, filled with N persistent messages through a confirm
 *   channel. Both sides consume with prefetch 1000 and manual acks; the raw loop acks every
 *   500 deliveries with `multiple` (the receiver acks once per stored block, also with `multiple`).
 * - Redis: one stream of N entries, read by a fresh consumer group per run with XREADGROUP COUNT
 *   1000, each read XACKed (as the receiver does, after storing it as one block).
 * - NATS JetStream: a fresh stream per run, filled with N messages each acknowledged by the server
 *   (JetStream publish), read by a durable pull consumer with explicit acks: the raw loop fetches
 *   1000 at a time and acks each message once the fetch is in, as the receiver does once the block
 *   is stored.
 * - MQTT: retained messages do not queue, so each run subscribes a fresh persistent session
 *   (MQTT 5, clean: false) at QoS 1, disconnects, publishes N QoS 1 messages the broker queues
 *   for it (Mosquitto's max_queued_messages is 100000 in scripts/services.sh: N must not exceed
 *   it), and then resumes the session. mqtt.js sends each PUBACK itself in the raw loop; the
 *   receiver sends them once the block is stored. The broker's in-flight window (1000) bounds both.
 *   dstream can come out ahead of this raw loop; the likely reason (not measured apart) is that
 *   mqtt.js acknowledges each message inside its one-packet-at-a-time handling, while the
 *   receiver defers the PUBACKs and sends a block's together.
 *
 * dstream runs without the write-ahead log (see bench:recovery and the crash tests for the WAL).
 * A drain ends with the batch that counts the last record, so it is rounded up to a batch
 * (BENCH_BATCH_MS, 100 ms) and includes that batch's job: on a run of one to two seconds, up to
 * 5-10% against dstream, the price of counting per batch.
 *
 * Environment: BENCH_RECORDS (80000, at most 100000 with MQTT), BENCH_ROUNDS (3), BENCH_BATCH_MS (100),
 * BENCH_INPUTS (mqtt,rabbitmq,redis,nats), BENCH_MQTT_URL, BENCH_AMQP_URL, BENCH_REDIS_URL, BENCH_NATS_SERVERS.
 * Needs the servers of scripts/services.sh (bash scripts/services.sh start mosquitto rabbitmq redis nats).
 * Kafka's direct stream against its raw loop is bench:kafka.
 */
import { connect as amqpConnect } from "amqplib";
import { connect as mqttConnect, type IClientOptions, type MqttClient } from "mqtt";
import { createClient } from "redis";
import { connect as natsConnect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Milliseconds, SparkContext, StreamingContext, type DStream } from "../src/index.js";
import { MQTTUtils } from "../src/connectors/mqtt/index.js";
import { RabbitMQUtils } from "../src/connectors/rabbitmq/index.js";
import { RedisUtils } from "../src/connectors/redis/index.js";
import { NatsUtils } from "../src/connectors/nats/index.js";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 80_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH_MS = Number(process.env.BENCH_BATCH_MS ?? 100);
const INPUTS = (process.env.BENCH_INPUTS ?? "mqtt,rabbitmq,redis,nats").split(",").map((s) => s.trim());
const MQTT_URL = process.env.BENCH_MQTT_URL ?? "mqtt://127.0.0.1:1883";
const AMQP_URL = process.env.BENCH_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const NATS_SERVERS = process.env.BENCH_NATS_SERVERS ?? "127.0.0.1:4222";
const PREFETCH = 1000;
const READ_COUNT = 1000;
const RUN_TIMEOUT_MS = 120_000;
/** Mosquitto's max_queued_messages in scripts/services.sh: an offline session holds no more. */
const MQTT_QUEUE_LIMIT = 100_000;
/** Persistent sessions must outlive the disconnect between subscribing and publishing. */
const SESSION: IClientOptions = { clean: false, protocolVersion: 5, reconnectPeriod: 0, properties: { sessionExpiryInterval: 3600 } };

const tag = `bench_inputs_${process.pid}`;
let runs = 0;
const payload = (i: number): string => `{"device":"d${i % 100}","seq":${i},"value":${(i * 0.25).toFixed(2)}}`;

/** One input: prepare() loads the broker and returns what a timed run reads; raw/dstream time it. */
interface Input {
  readonly name: string;
  readonly server: string;
  prepare(n: number): Promise<string>;
  raw(source: string, n: number): Promise<void>;
  stream(ssc: StreamingContext, source: string): DStream<unknown>;
  /** Drops what prepare() made for one run, so the broker holds only what the next run reads. */
  release(source: string): Promise<void>;
  /** At the end: drops what every run shared. */
  cleanUp(): Promise<void>;
}

async function until<T>(what: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw new Error(`bench:inputs: ${what}: ${(e as Error).message}\nStart the servers with: bash scripts/services.sh start mosquitto rabbitmq redis nats`, { cause: e });
  }
}

// ---- MQTT ----------------------------------------------------------------------------------

async function mqttClient(options: IClientOptions): Promise<MqttClient> {
  const c = mqttConnect(MQTT_URL, options);
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("error", reject);
  });
  return c;
}

const mqtt: Input = {
  name: "MQTT (QoS 1, queued in a persistent session)",
  server: MQTT_URL,
  async prepare(n) {
    const clientId = `${tag}_${runs++}`;
    const topic = `${tag}/${clientId}`;
    const session = await mqttClient({ ...SESSION, clientId });
    await session.subscribeAsync(topic, { qos: 1 });
    await session.endAsync();
    const pub = await mqttClient({ protocolVersion: 5, reconnectPeriod: 0, clientId: `${clientId}_pub` });
    // In slices: the broker refuses QoS 1 publishes beyond its Receive Maximum.
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) => pub.publishAsync(topic, payload(i + k), { qos: 1 })));
    }
    await pub.endAsync();
    return `${clientId}\n${topic}`;
  },
  async raw(source, n) {
    const [clientId] = source.split("\n") as [string, string];
    let seen = 0;
    const c = mqttConnect(MQTT_URL, { ...SESSION, clientId });
    await new Promise<void>((resolve, reject) => {
      c.on("message", () => {
        if (++seen === n) resolve();
      });
      c.once("error", reject);
    });
    await c.endAsync();
  },
  stream(ssc, source) {
    const [clientId, topic] = source.split("\n") as [string, string];
    return MQTTUtils.createStream(ssc, MQTT_URL, topic, { qos: 1, clientId });
  },
  async release(source) {
    // A clean connect ends the session the broker would otherwise keep for an hour.
    await (await mqttClient({ clientId: source.split("\n")[0]!, clean: true, reconnectPeriod: 0 })).endAsync();
  },
  async cleanUp() {},
};

// ---- RabbitMQ ------------------------------------------------------------------------------

const rabbitmq: Input = {
  name: "RabbitMQ (durable queue, persistent messages)",
  server: AMQP_URL,
  async prepare(n) {
    const queue = `${tag}_${runs++}`;
    const conn = await amqpConnect(AMQP_URL);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: true });
    for (let i = 0; i < n; i++) ch.sendToQueue(queue, Buffer.from(payload(i)), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    return queue;
  },
  async raw(queue, n) {
    const conn = await amqpConnect(AMQP_URL);
    const ch = await conn.createChannel();
    await ch.prefetch(PREFETCH);
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      ch.once("error", reject);
      void ch.consume(queue, (m) => {
        if (m === null) return reject(new Error(`queue ${queue} was deleted`));
        seen++;
        if (seen % 500 === 0 || seen === n) ch.ack(m, true);
        if (seen === n) resolve();
      });
    });
    await conn.close();
  },
  stream(ssc, queue) {
    return RabbitMQUtils.createStream(ssc, { url: AMQP_URL, queue, prefetch: PREFETCH });
  },
  async release(queue) {
    const conn = await amqpConnect(AMQP_URL);
    await (await conn.createChannel()).deleteQueue(queue);
    await conn.close();
  },
  async cleanUp() {},
};

// ---- Redis Streams -------------------------------------------------------------------------

const redisKey = `${tag}_stream`;
let redisLoaded = 0;
const redis: Input = {
  name: "Redis Streams (XREADGROUP, XACK)",
  server: REDIS_URL,
  async prepare(n) {
    const c = createClient({ url: REDIS_URL });
    await c.connect();
    // One stream for every run, grown to the largest n asked; each run reads it with its own group from id 0.
    for (let i = redisLoaded; i < n; i += 1000) {
      const m = c.multi();
      for (let k = i; k < Math.min(n, i + 1000); k++) m.addCommand(["XADD", redisKey, "*", "v", payload(k)]);
      await m.exec();
    }
    redisLoaded = Math.max(redisLoaded, n);
    const group = `g${runs++}`;
    await c.sendCommand(["XGROUP", "CREATE", redisKey, group, "0"]);
    await c.quit();
    return group;
  },
  async raw(group, n) {
    const c = createClient({ url: REDIS_URL });
    await c.connect();
    let seen = 0;
    while (seen < n) {
      const reply = (await c.sendCommand(["XREADGROUP", "GROUP", group, "raw", "COUNT", String(READ_COUNT), "BLOCK", "500", "STREAMS", redisKey, ">"])) as Array<[string, Array<[string, string[]]>]> | null;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) continue;
      seen += entries.length;
      await c.sendCommand(["XACK", redisKey, group, ...entries.map((e) => e[0])]);
    }
    await c.quit();
  },
  stream(ssc, group) {
    return RedisUtils.createStream(ssc, { url: REDIS_URL, key: redisKey, group, consumer: "dstream", count: READ_COUNT });
  },
  async release(group) {
    const c = createClient({ url: REDIS_URL });
    await c.connect();
    await c.sendCommand(["XGROUP", "DESTROY", redisKey, group]);
    await c.quit();
  },
  async cleanUp() {
    const c = createClient({ url: REDIS_URL });
    await c.connect();
    await c.del(redisKey);
    await c.quit();
  },
};

// ---- NATS JetStream ------------------------------------------------------------------------

async function withNats<T>(f: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await natsConnect({ servers: NATS_SERVERS, reconnect: false, timeout: 3000 });
  try {
    return await f(nc);
  } finally {
    await nc.close();
  }
}

const nats: Input = {
  name: "NATS JetStream (durable pull consumer, acks)",
  server: NATS_SERVERS,
  prepare: (n) =>
    withNats(async (nc) => {
      const stream = `${tag}_${runs++}`;
      await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${stream}.>`] });
      const js = jetstream(nc);
      for (let i = 0; i < n; i += 500) await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, k) => js.publish(`${stream}.in`, payload(i + k))));
      return stream;
    }),
  raw: (stream, n) =>
    withNats(async (nc) => {
      await (await jetstreamManager(nc)).consumers.add(stream, { durable_name: "raw", ack_policy: AckPolicy.Explicit, max_ack_pending: 2 * READ_COUNT });
      const consumer = await jetstream(nc).consumers.get(stream, "raw");
      let seen = 0;
      while (seen < n) {
        // Acked once the fetch is in, as the receiver acks a block once it is stored.
        const got = [];
        for await (const m of await consumer.fetch({ max_messages: READ_COUNT, expires: 1000 })) got.push(m);
        for (const m of got) m.ack();
        seen += got.length;
      }
    }),
  stream(ssc, stream) {
    return NatsUtils.createJetStream(ssc, { servers: NATS_SERVERS, stream, consumer: "dstream", batchSize: READ_COUNT });
  },
  release: (stream) => withNats(async (nc) => void (await (await jetstreamManager(nc)).streams.delete(stream))),
  async cleanUp() {},
};

// ---- timing --------------------------------------------------------------------------------

/** A run that stalls (a broker that dropped messages) fails instead of hanging the benchmark. */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench:inputs: ${what} after ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function timeRaw(input: Input, source: string, n: number): Promise<number> {
  const t0 = performance.now();
  await within(input.raw(source, n), `${input.name}: the raw loop did not get all ${n} records`);
  return n / ((performance.now() - t0) / 1000);
}

async function timeDstream(sc: SparkContext, input: Input, source: string, n: number): Promise<number> {
  const ssc = new StreamingContext(sc, Milliseconds(BATCH_MS));
  let counted = 0;
  let t0 = 0;
  const drained = new Promise<number>((resolve) => {
    input.stream(ssc, source).count().foreachRDD(async (rdd) => {
      counted += (await rdd.collect()).reduce((a, b) => a + b, 0);
      if (counted >= n) resolve(performance.now());
    });
  });
  try {
    t0 = performance.now();
    ssc.start();
    const t1 = await within(drained, `${input.name}: dstream counted only ${counted} of ${n} records`);
    if (counted !== n) throw new Error(`bench:inputs: ${input.name}: counted ${counted} records, expected ${n}`);
    return n / ((t1 - t0) / 1000);
  } finally {
    await ssc.stop({ stopSparkContext: false });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const known: Record<string, Input> = { mqtt, rabbitmq, redis, nats };
const inputs = INPUTS.map((name) => {
  const i = known[name];
  if (!i) throw new Error(`bench:inputs: unknown input "${name}" in BENCH_INPUTS; give some of ${Object.keys(known).join(", ")}`);
  return i;
});
if (inputs.includes(mqtt) && RECORDS > MQTT_QUEUE_LIMIT) {
  throw new Error(`bench:inputs: BENCH_RECORDS=${RECORDS} is more than the ${MQTT_QUEUE_LIMIT} messages Mosquitto queues for a session (max_queued_messages); lower it or leave mqtt out of BENCH_INPUTS`);
}
const sc = new SparkContext({ master: "local[2]", appName: "bench-inputs", conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
type Config = { name: string; input: Input; kind: "raw" | "dstream" };
const configs: Config[] = inputs.flatMap((input) => [
  { name: `${input.name}: raw loop`, input, kind: "raw" as const },
  { name: `${input.name}: dstream local[2]`, input, kind: "dstream" as const },
]);
const results = new Map<string, number[]>(configs.map((c) => [c.name, []]));
async function run(c: Config, n: number): Promise<number> {
  const source = await until(`loading ${c.input.server}`, c.input.prepare(n));
  try {
    return await (c.kind === "raw" ? timeRaw(c.input, source, n) : timeDstream(sc, c.input, source, n));
  } finally {
    await c.input.release(source);
  }
}
try {
  // Warm-up: executors started, connections' code paths compiled.
  for (const c of configs) await run(c, Math.min(RECORDS, 2000));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[(i + round) % configs.length]!;
      const r = await run(c, RECORDS);
      results.get(c.name)!.push(r);
      console.log(`  round ${round + 1}: ${c.name}: ${Math.round(r).toLocaleString("en")} records/s`);
    }
  }
} finally {
  await sc.stop();
  for (const input of inputs) await input.cleanUp().catch(() => undefined);
}

const f = (n: number): string => Math.round(n).toLocaleString("en").padStart(10);
console.log("");
console.log(`bench:inputs: ${RECORDS.toLocaleString("en")} messages of ~${payload(RECORDS - 1).length} bytes per run, ${BATCH_MS} ms batches; medians of ${ROUNDS} interleaved rounds`);
console.log(`  ${"input".padEnd(48)} ${"raw loop".padStart(10)} ${"dstream".padStart(10)}  dstream/raw`);
for (const input of inputs) {
  const raw = median(results.get(`${input.name}: raw loop`)!);
  const ds = median(results.get(`${input.name}: dstream local[2]`)!);
  console.log(`  ${input.name.padEnd(48)} ${f(raw)} ${f(ds)}  ${(ds / raw).toFixed(2)}x`);
}
console.log("  (records/s)");
