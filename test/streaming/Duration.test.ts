import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Duration, Durations, Interval, ManualClock, Milliseconds, Minutes, Seconds, Time } from "../../src/index.js";

describe("Duration", () => {
  test("factories, milliseconds and Spark's toString", () => {
    assert.equal(Milliseconds(1500).milliseconds, 1500);
    assert.equal(Seconds(2).milliseconds, 2000);
    assert.equal(Seconds(0.5).milliseconds, 500);
    assert.equal(Minutes(1).milliseconds, 60000);
    assert.equal(Durations.seconds(3).milliseconds, 3000);
    assert.equal(String(Seconds(1)), "1000 ms");
    assert.equal(`${Milliseconds(250)}`, "250 ms");
  });

  test("arithmetic, comparisons and isMultipleOf", () => {
    const a = Seconds(3);
    const b = Seconds(1);
    assert.equal(a.plus(b).milliseconds, 4000);
    assert.equal(a.minus(b).milliseconds, 2000);
    assert.equal(b.times(5).milliseconds, 5000);
    assert.equal(a.div(b), 3);
    assert.ok(b.less(a) && b.lessEq(b) && a.greater(b) && a.greaterEq(a));
    assert.ok(a.isMultipleOf(b));
    assert.ok(!Milliseconds(1500).isMultipleOf(b));
    assert.equal(a.min(b), b);
    assert.equal(a.max(b), a);
    assert.ok(Milliseconds(0).isZero());
    assert.ok(Seconds(1).equals(Milliseconds(1000)));
    assert.ok(!Seconds(1).equals(Milliseconds(999)));
    assert.throws(() => new Duration(Number.NaN), TypeError);
  });
});

describe("Time", () => {
  test("arithmetic with Durations and Times", () => {
    const t = new Time(5000);
    assert.equal(t.plus(Seconds(1)).milliseconds, 6000);
    assert.equal(t.minus(Seconds(2)).milliseconds, 3000);
    const d = t.minus(new Time(2000));
    assert.ok(d instanceof Duration);
    assert.equal(d.milliseconds, 3000);
    assert.equal(String(t), "5000 ms");
    assert.ok(t.isMultipleOf(Seconds(1)) && !t.isMultipleOf(Seconds(2)));
    assert.ok(new Time(1).less(t) && t.greater(new Time(1)) && t.equals(new Time(5000)));
  });

  test("floor (optionally from a zero time), until and to", () => {
    assert.equal(new Time(5500).floor(Seconds(1)).milliseconds, 5000);
    assert.equal(new Time(5500).floor(Seconds(2), new Time(1000)).milliseconds, 5000);
    assert.equal(new Time(4999).floor(Seconds(2), new Time(1000)).milliseconds, 3000);
    assert.deepEqual(new Time(1000).until(new Time(4000), Seconds(1)).map((t) => t.milliseconds), [1000, 2000, 3000]);
    assert.deepEqual(new Time(1000).to(new Time(4000), Seconds(1)).map((t) => t.milliseconds), [1000, 2000, 3000, 4000]);
  });

  test("Interval", () => {
    const i = new Interval(new Time(1000), new Time(3000));
    assert.equal(i.duration().milliseconds, 2000);
    assert.equal(String(i.minus(Seconds(1))), "[0 ms, 2000 ms]");
  });
});

describe("ManualClock", () => {
  test("starts at 0, advances and sets time; waitTillTime resolves once reached", async () => {
    const clock = new ManualClock();
    assert.equal(clock.getTimeMillis(), 0);
    let reached: number | undefined;
    const waiting = clock.waitTillTime(1500).then((t) => (reached = t));
    await clock.advance(1000);
    assert.equal(reached, undefined);
    await clock.advance(1000);
    await waiting;
    assert.equal(reached, 2000);
    await clock.setTime(10);
    assert.equal(clock.getTimeMillis(), 10);
    assert.equal(await clock.waitTillTime(5), 10);
    assert.equal(new ManualClock(42).getTimeMillis(), 42);
  });
});
