import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IllegalArgumentException } from "../../../src/index.js";
import { OffsetRange, TopicPartition, hasOffsetRanges } from "../../../src/connectors/kafka/index.js";

describe("OffsetRange", () => {
  it("holds a topic-partition's [fromOffset, untilOffset) and counts it", () => {
    const r = OffsetRange.create("events", 2, 10, 25);
    assert.equal(r.topic, "events");
    assert.equal(r.partition, 2);
    assert.equal(r.fromOffset, 10);
    assert.equal(r.untilOffset, 25);
    assert.equal(r.count(), 15);
    assert.equal(OffsetRange.create("events", 0, 7, 7).count(), 0);
  });

  it("prints as Spark's does", () => {
    assert.equal(String(OffsetRange.create("events", 2, 10, 25)), "OffsetRange(topic: 'events', partition: 2, range: [10 -> 25])");
  });

  it("gives its TopicPartition, printed as Kafka's topic-partition", () => {
    const tp = OffsetRange.create("events", 3, 0, 1).topicPartition();
    assert.ok(tp instanceof TopicPartition);
    assert.equal(tp.topic, "events");
    assert.equal(tp.partition, 3);
    assert.equal(String(tp), "events-3");
    assert.ok(tp.equals(new TopicPartition("events", 3)));
    assert.ok(!tp.equals(new TopicPartition("events", 4)));
  });

  it("is created from a TopicPartition or by apply, and compares by value", () => {
    const a = OffsetRange.create(new TopicPartition("t", 1), 5, 9);
    const b = OffsetRange.apply("t", 1, 5, 9);
    assert.ok(a.equals(b));
    assert.ok(!a.equals(OffsetRange.create("t", 1, 5, 10)));
    assert.ok(!a.equals(OffsetRange.create("u", 1, 5, 9)));
    assert.ok(!a.equals("OffsetRange(topic: 't', partition: 1, range: [5 -> 9])"));
  });

  it("rejects offsets and partitions that are not non-negative integers", () => {
    for (const bad of [
      () => OffsetRange.create("t", -1, 0, 1),
      () => OffsetRange.create("t", 0, -1, 1),
      () => OffsetRange.create("t", 0, 0, 1.5),
      () => OffsetRange.create("t", 0, Number.NaN, 1),
      () => OffsetRange.create("", 0, 0, 1),
    ]) {
      assert.throws(bad, IllegalArgumentException);
    }
  });

  it("is what HasOffsetRanges holds", () => {
    assert.ok(hasOffsetRanges({ offsetRanges: [OffsetRange.create("t", 0, 0, 1)] }));
    assert.ok(!hasOffsetRanges({}));
    assert.ok(!hasOffsetRanges(null));
  });
});
