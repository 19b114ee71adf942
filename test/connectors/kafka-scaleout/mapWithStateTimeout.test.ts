/**
 * so.mapWithState's timeout, as Spark's: a key that no record touched for the timeout gets one
 * last call with state.isTimingOut() and is removed, in the first batch after that which a
 * mapWithState stream would checkpoint (every ten batch intervals from the zero time). One copy,
 * in this process, against the real broker: "a" is seen once, "b" every batch for a while.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Milliseconds, SparkConf, StateSpec, StreamingContext, type State, type Time } from "../../../src/index.js";
import { KafkaScaleOut } from "../../../src/connectors/kafka-scaleout/index.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../kafka/broker.js";
import { eventually } from "./copies.js";

const broker = useBroker();
const BATCH = 250;
const TIMEOUT = 1000;

describe("KafkaScaleOut.mapWithState timeout", () => {
  it("times a key out once, in the first scan batch past its timeout, and keeps a key that records keep touching", async () => {
    const input = await broker.createTopic(uniqueTopic("so-mws-in"), 2);
    const app = uniqueTopic("so-mws-app");
    const ssc = new StreamingContext(new SparkConf().setAppName(app).setMaster("local[1]").set("spark.ui.enabled", "false"), Milliseconds(BATCH));
    const so = new KafkaScaleOut(ssc, { applicationId: app, instanceId: "solo", kafkaParams: { "bootstrap.servers": BOOTSTRAP, "auto.offset.reset": "earliest" }, sessionTimeoutMs: 6000, firstBatchDelayMs: 1000 });
    const pairs = so.createStream([input]).map((r): [string, number] => [r.value, 1]);
    const spec = StateSpec.function((_t: Time, key: string, value: number | undefined, state: State<number>): string => {
      if (state.isTimingOut()) return `${key} timeout ${state.get()}`;
      state.update((state.getOption() ?? 0) + (value ?? 0));
      return `${key} update`;
    }).timeout(Milliseconds(TIMEOUT));
    const mapped = so.mapWithState("seen", pairs, spec);
    const events: Array<{ time: number; what: string }> = [];
    const snapshots = new Map<number, Array<[string, number]>>();
    mapped.foreachRDD(async (rdd, time) => {
      for (const what of await rdd.collect()) events.push({ time: time.milliseconds, what });
    });
    mapped.stateSnapshots().foreachRDD(async (rdd, time) => void snapshots.set(time.milliseconds, await rdd.collect()));
    const report = await so.start();
    try {
      await broker.produce([{ topic: input, partition: 0, value: "a" }]);
      // "b" in every batch for about 3 s: it never goes a whole timeout untouched.
      for (let i = 0; i < 12; i++) {
        await broker.produce([{ topic: input, partition: i % 2, value: "b" }]);
        await new Promise((r) => setTimeout(r, BATCH));
      }
      await eventually(async () => (events.some((e) => e.what.startsWith("b timeout")) ? true : undefined), "b times out once its records stop", 30_000);
      const scan = (t: number): boolean => (t - report.zeroTime) % (10 * BATCH) === 0;
      for (const key of ["a", "b"]) {
        const updates = events.filter((e) => e.what === `${key} update`).map((e) => e.time);
        const timeouts = events.filter((e) => e.what.startsWith(`${key} timeout`));
        assert.equal(timeouts.length, 1, `${key} times out once: ${JSON.stringify(events.filter((e) => e.what.startsWith(key)))}`);
        const last = Math.max(...updates);
        const at = timeouts[0]!.time;
        assert.equal(timeouts[0]!.what, `${key} timeout ${updates.length}`, `${key}'s timing-out call sees its state`);
        assert.ok(scan(at), `${key} times out in a batch that scans (${at - report.zeroTime} ms after zero)`);
        assert.ok(last < at - TIMEOUT, `${key} was idle for more than the timeout (last record ${at - last} ms before)`);
        const earlier = [...snapshots.keys()].filter((t) => scan(t) && last < t - TIMEOUT && t < at);
        assert.deepEqual(earlier, [], `${key} times out in the first scan batch past its timeout`);
        assert.ok(!snapshots.get(at)!.some(([k]) => k === key), `${key} is gone from the state after it times out`);
        assert.ok(snapshots.get(at - BATCH)!.some(([k]) => k === key), `${key} is in the state until then`);
      }
    } finally {
      await so.stop();
    }
  });
});
