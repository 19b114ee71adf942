/**
 * NATS JetStream with the write-ahead log, killed mid-stream: the stream holds N messages; the
 * application is SIGKILLed while it consumes them (rate-limited) through a durable consumer and
 * resumed with getOrCreate, some kills falling between a block's store and its acknowledgement.
 * The receiver stores each stream sequence once (Receiver.storeUnique), so the output is exactly
 * an uninterrupted run's, and the consumer ends with nothing unacknowledged.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { NATS_SERVERS, uniqueName } from "../services.js";
import { killMidStream } from "../brokerCrash.js";
import { consumerState, deleteStream, sharedNats, streamWith } from "./jetstream.js";

const N = 3000;

test("SIGKILL mid-stream with the WAL, then getOrCreate: every message is processed once, none left unacknowledged", { timeout: 300_000 }, async (t) => {
  const nc = await sharedNats();
  const stream = uniqueName("dstream-nats-wal").replace(/\./g, "_");
  t.after(async () => {
    await deleteStream(nc, stream);
    await nc.close();
  });
  const payloads = Array.from({ length: N }, (_, i) => `m${i}`);
  await streamWith(nc, stream, payloads);
  // What an uninterrupted run outputs: each message once, with its stream sequence.
  const expected = payloads.map((p, i) => `${i + 1} ${p}`);
  // A short ack wait: what a kill left unacknowledged comes again within the test's time.
  // With unique, every other kill lands between a block's store and its acknowledgement, and the output must hold each message once.
  const run = await killMidStream(t, "nats", { servers: NATS_SERVERS, stream, consumer: "c", ackWaitMs: "1000", maxRate: "400" }, expected, { unique: true });
  assert.deepEqual([...run.output].sort(), [...expected].sort());
  const deadline = Date.now() + 20_000;
  let state = await consumerState(nc, stream, "c");
  // The last batch's acknowledgements may still be on their way when the fixture is stopped.
  while (state.ackFloor < N && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    state = await consumerState(nc, stream, "c");
  }
  assert.deepEqual(state, { ackPending: 0, pending: 0, ackFloor: N });
});
