import assert from "node:assert/strict";
import { Socket } from "node:net";
import { it } from "node:test";
import { HashPartitioner, StorageLevel, type SparkContext, type TaskInfo } from "../../src/index.js";
import { filesUnder, forEachMaster, MASTERS, recordTasks, tempDir, withContext } from "../helpers/masters.js";

// Module-level values that closures capture (DESIGN §3: they must still run in executor threads).
const FACTOR = 3;
const SETTINGS = { offset: 100, labels: ["zero", "one", "two"], nested: { on: true } };
const LOOKUP = new Map<string, number>([["a", 1], ["b", 2], ["c", 3]]);
const STOP = new Set(["the", "a"]);
const square = (x: number): number => x * x;
function describeNumber(n: number): string {
  return `${SETTINGS.labels[n % 3]}:${square(n) * FACTOR}`;
}

class Tokenizer {
  constructor(private readonly separator: string) {}
  split(line: string): string[] {
    return line.split(this.separator).filter((w) => w.length > 0);
  }
}

/** Captures what dstream logs to stderr while `fn` runs. */
async function captureStderr<R>(fn: () => Promise<R>): Promise<{ result: R; text: string }> {
  const original = process.stderr.write;
  let text = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, text };
  } finally {
    process.stderr.write = original;
  }
}

function executors(tasks: TaskInfo[]): Set<string> {
  return new Set(tasks.map((t) => t.executorId));
}

/** In local[N] every task ran in a worker thread; in local[1] every task ran on the driver. */
function assertRanInWorkers(tasks: TaskInfo[], parallel: boolean): void {
  assert.ok(tasks.length > 0);
  const where = [...executors(tasks)].join(", ");
  if (parallel) assert.ok(!executors(tasks).has("driver"), `tasks ran on ${where}`);
  else assert.deepEqual([...executors(tasks)], ["driver"]);
}

forEachMaster("function shipping", (env) => {
  it("closures over module constants, plain objects, Maps, Sets and nested functions run in executors", async () => {
    const sc = env.sc;
    const local = { bonus: 7 };
    const { result, tasks } = await recordTasks(sc, () =>
      sc
        .parallelize(["the cat", "a b c", "b a"], 3)
        .flatMap((l) => l.split(" ").filter((w) => !STOP.has(w)))
        .map((w) => [w, (LOOKUP.get(w) ?? 0) * FACTOR + local.bonus] as [string, number])
        .reduceByKey((a, b) => a + b + SETTINGS.offset * 0)
        .collect(),
    );
    assert.deepEqual(new Map(result), new Map([["cat", 7], ["b", 26], ["c", 16]]));
    assertRanInWorkers(tasks, env.parallel);
    const described = await recordTasks(sc, () => sc.parallelize([1, 2, 3, 4], 2).map(describeNumber).collect());
    assert.deepEqual(described.result, ["one:3", "two:12", "zero:27", "one:48"]);
    assertRanInWorkers(described.tasks, env.parallel);
    const nested = await recordTasks(sc, () =>
      sc.parallelize([1, 2, 3], 3).map((x) => {
        const inner = (y: number): number => square(y) + SETTINGS.offset;
        return SETTINGS.nested.on ? inner(x) : 0;
      }).collect(),
    );
    assert.deepEqual(nested.result, [101, 104, 109]);
    assertRanInWorkers(nested.tasks, env.parallel);
  });

  it("captured variables are read when the job runs", async () => {
    const sc = env.sc;
    let offset = 1;
    const rdd = sc.parallelize([1, 2, 3], 3).map((x) => x + offset);
    assert.deepEqual(await rdd.collect(), [2, 3, 4]);
    offset = 10;
    assert.deepEqual(await rdd.collect(), [11, 12, 13]);
  });

  it("a function capturing a class instance gives the right answer, on the driver, with a warning", async () => {
    const sc = env.sc;
    const tokenizer = new Tokenizer(",");
    const { result, text } = await captureStderr(() =>
      recordTasks(sc, () => sc.parallelize(["a,b", "c,,d", "b"], 3).flatMap((l) => tokenizer.split(l)).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).collect()),
    );
    assert.deepEqual(new Map(result.result), new Map([["a", 1], ["b", 2], ["c", 1], ["d", 1]]));
    // The stage with the class instance ran on the driver; the reduce stage still ran in workers.
    const stages = [...new Set(result.tasks.map((t) => t.stageId))].sort((a, b) => a - b);
    const mapStage = result.tasks.filter((t) => t.stageId === stages[0]);
    assert.deepEqual([...executors(mapStage)], ["driver"]);
    if (env.parallel) {
      assert.match(text, /WARN .*on the driver thread, not in parallel: the flatMap function 1 at .*shipping\.test\.ts:\d+ cannot be sent to an executor: captures tokenizer \(a Tokenizer instance\)/);
      assert.match(text, /sc\.broadcast/);
      const reduceStage = result.tasks.filter((t) => t.stageId === stages[1]);
      assert.ok(!executors(reduceStage).has("driver"));
    } else {
      assert.doesNotMatch(text, /driver thread/, "local[1] is the in-thread executor: nothing to warn about");
    }
  });

  it("a function capturing a socket gives the right answer on the driver", async () => {
    const sc = env.sc;
    const socket = new Socket();
    try {
      const { result, text } = await captureStderr(() =>
        recordTasks(sc, () => sc.parallelize([1, 2, 3], 2).map((x) => (socket.destroyed ? -x : x * 2)).collect()),
      );
      assert.deepEqual(result.result, [2, 4, 6]);
      assert.deepEqual([...executors(result.tasks)], ["driver"]);
      if (env.parallel) assert.match(text, /captures socket \(a Socket instance\)/);
    } finally {
      socket.destroy();
    }
  });
});

forEachMaster("values crossing threads", (env) => {
  // Every kind of value a task may produce. (-0 is left out: packed blocks carry it as 0.)
  const values: unknown[] = [
    undefined, null, NaN, Infinity, -Infinity, 1.5, 2 ** 60, -7, 0, true, "", "text é😀",
    2n ** 70n, -5n, new Date(86_400_000), new Map<unknown, unknown>([[1, "a"], [["t", 2], { x: [1] }]]), new Set([1, "a"]),
    { a: undefined, b: [1, undefined, null] }, [1, [2, [3, []]]], new Uint8Array([1, 2, 255]), [], {},
  ];

  it("keep their types and values through results, shuffles and serialized caches", async () => {
    const sc = env.sc;
    assert.deepStrictEqual(await sc.parallelize(values, 4).map((x) => x).collect(), values);
    const shuffled = new Map(await sc.parallelize(values.map((v, i) => [i, v] as [number, unknown]), 3).partitionBy(2).collect());
    assert.deepStrictEqual(values.map((_, i) => shuffled.get(i)), values);
    const grouped = new Map(await sc.parallelize(values.map((v, i) => [i % 5, v] as [number, unknown]), 3).groupByKey(2).collect());
    assert.deepStrictEqual(grouped.get(3), values.filter((_, i) => i % 5 === 3));
    for (const level of [StorageLevel.MEMORY_ONLY_SER, StorageLevel.DISK_ONLY]) {
      const cached = sc.parallelize(values, 3).map((x) => x).persist(level);
      assert.equal(await cached.count(), values.length);
      assert.deepStrictEqual(await cached.collect(), values, level.name);
      cached.unpersist();
    }
    // Keys of every kind group by value equality, whichever thread hashed them.
    const keyed = await sc.parallelize([...values, ...values], 4).map((v) => [v, 1] as [unknown, number]).reduceByKey((a, b) => a + b, 3).collect();
    assert.equal(keyed.length, values.length);
    assert.ok(keyed.every(([, n]) => n === 2));
  });
});

/** 2.1M records over 2 map partitions, 1.1M distinct keys: each map task holds more than 1M keys and spills. */
async function bigReduce(sc: SparkContext): Promise<void> {
  const counts = sc
    .range(0, 2_100_000, 1, 2)
    .map((x) => [x % 1_100_000, 1] as [number, number])
    .reduceByKey((a, b) => a + b, 3);
  const histogram = await counts.values().countByValue();
  assert.deepEqual(new Map([...histogram].sort()), new Map([[1, 100_000], [2, 1_000_000]]));
  assert.deepEqual((await counts.filter(([k]) => k === 0 || k === 1_099_999 || k === 999_999).collect()).sort((a, b) => a[0] - b[0]), [[0, 2], [999_999, 2], [1_099_999, 1]]);
}

for (const master of MASTERS) {
  it(`a reduceByKey over more than 2 million records and 1.1 million keys counts exactly [${master}]`, async () => {
    await withContext(master, {}, async (sc) => {
      await bigReduce(sc);
    });
  });

  it(`with a tiny dstream.shuffle.memoryLimit the shuffle blocks go to disk and results stay exact [${master}]`, async () => {
    const local = tempDir();
    await withContext(master, { "dstream.shuffle.memoryLimit": "1m", "spark.local.dir": local }, async (sc) => {
      const pairs = sc.range(0, 300_000, 1, 4).map((x) => [`key-${x % 50_000}`, x] as [string, number]);
      const sums = pairs.reduceByKey((a, b) => a + b, 4);
      const all = await sums.collect();
      assert.equal(all.length, 50_000);
      const m = new Map(all);
      // key-k collects k, k + 50000, ..., k + 250000: 6k + 750000.
      for (const k of [0, 1, 12_345, 49_999]) assert.equal(m.get(`key-${k}`), 6 * k + 750_000);
      const onDisk = filesUnder(local).filter((f) => /shuffle/.test(f));
      assert.ok(onDisk.length > 0, `shuffle files under spark.local.dir: ${filesUnder(local).join(", ")}`);
      // Grouping (no map-side combine) and a second read of the same shuffle from disk.
      const groups = await pairs.groupByKey(new HashPartitioner(3)).mapValues((vs) => vs.length).values().countByValue();
      assert.deepEqual([...groups], [[6, 50_000]]);
      assert.equal((await sums.collect()).length, 50_000);
    });
  });
}
