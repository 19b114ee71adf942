/**
 * The scale-out stateful operators refuse bad arguments when the graph is defined, before any
 * broker is asked: each message names the operation, the value and what to do instead.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Milliseconds, SparkConf, StateSpec, StreamingContext, type State } from "../../../src/index.js";
import { KafkaScaleOut } from "../../../src/connectors/kafka-scaleout/index.js";

const ssc = new StreamingContext(new SparkConf().setAppName("so-validation").setMaster("local[1]").set("spark.ui.enabled", "false"), Milliseconds(500));
after(async () => ssc.stop({ stopSparkContext: true, stopGracefully: false }));
const so = new KafkaScaleOut(ssc, { applicationId: "so-validation", instanceId: "solo", kafkaParams: { "bootstrap.servers": "127.0.0.1:9092" } });
const pairs = so.createStream(["in"]).map((r): [string, number] => [r.value, 1]);
const add = (a: number, b: number): number => a + b;

describe("KafkaScaleOut stateful operators: bad arguments", () => {
  it("reduceByKeyAndWindow refuses durations that are not multiples of the batch interval, or a window that is not one of the slide", () => {
    assert.throws(() => so.reduceByKeyAndWindow("w1", pairs, add, (a, b) => a - b, 1250), /reduceByKeyAndWindow\('w1'\): the window duration of windowed DStream \(1250 ms\) must be a multiple of the slide duration of parent DStream \(500 ms\)/);
    assert.throws(() => so.reduceByKeyAndWindow("w2", pairs, add, undefined, 2000, 0), /reduceByKeyAndWindow\('w2'\): the slide duration of windowed DStream \(0 ms\) must be a multiple/);
    assert.throws(() => so.reduceByKeyAndWindow("w3", pairs, add, undefined, Milliseconds(2500), Milliseconds(1000)), /reduceByKeyAndWindow\('w3'\): the window duration \(2500 ms\) must be a multiple of the slide duration \(1000 ms\)/);
  });

  it("mapWithState refuses what is not a StateSpec, and an initial state RDD", () => {
    assert.throws(() => so.mapWithState("m1", pairs, ((k: string) => k) as never), /mapWithState\('m1'\): expected a StateSpec \(StateSpec.function\(fn\)\)/);
    const spec = StateSpec.function((_k: string, v: number | undefined, s: State<number>) => s.update(v ?? 0)).initialState(ssc.sparkContext.parallelize<[string, number]>([["a", 1]]));
    assert.throws(() => so.mapWithState("m2", pairs, spec), /mapWithState\('m2'\): StateSpec.initialState is not supported across copies .*start from an empty state/);
  });

  it("updateStateByKey refuses what is not a function, and an operator name defined twice", () => {
    assert.throws(() => so.updateStateByKey("u1", pairs, 42 as never), /updateStateByKey\('u1'\): expected an update function \(values, state\) => state, got number/);
    so.updateStateByKey("u2", pairs, (vs: number[], s: number | undefined) => vs.length + (s ?? 0));
    assert.throws(() => so.updateStateByKey("u2", pairs, (vs: number[], s: number | undefined) => vs.length + (s ?? 0)), /updateStateByKey: operator 'u2' is already defined/);
  });
});
