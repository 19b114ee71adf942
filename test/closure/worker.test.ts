import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { SHIP, shipFunction, type FnRef, type ShipHandle } from "../../src/core/closure/index.js";
import { plusOne, tagWith } from "./fixtures/userFunctions.js";

const FACTOR = 3;
const WORDS = new Set(["spark", "stream"]);
const BYTES = Buffer.from("ab");
const square = (x: number) => x * x;

class Lookup {
  constructor(private readonly entries: Array<[number, number]>) {}
  get(k: number): number | undefined {
    return new Map(this.entries).get(k);
  }
  [SHIP](): ShipHandle {
    return { handle: "test.lookup", data: this.entries };
  }
}
const LOOKUP = new Lookup([[0, 100], [1, 200], [2, 300]]);
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

type Reply = { id: number; results?: unknown[]; error?: string };

test("functions shipped into a real worker thread compute the same results there", { timeout: 60_000 }, async () => {
  const worker = new Worker(new URL("./fixtures/tsxWorkerBootstrap.mjs", import.meta.url), {
    workerData: { entry: new URL("./fixtures/closureWorker.ts", import.meta.url).href },
    execArgv: [],
  });
  try {
    const replies = new Map<number, (r: Reply) => void>();
    const ready = new Promise<Array<[number, string]>>((resolve, reject) => {
      // A crashed worker must fail the test, not leave it waiting for replies.
      worker.on("error", (err) => {
        reject(err);
        for (const settle of replies.values()) settle({ id: -1, error: `worker crashed: ${err.message}` });
      });
      worker.on("message", (m: Reply | { ready: true; snapshot: Array<[number, string]> }) => {
        if ("ready" in m) resolve(m.snapshot);
        else replies.get(m.id)?.(m);
      });
    });
    const snapshot = await ready;
    const onExecutors = new Set(snapshot.map(([id, hash]) => `${id}:${hash}`));
    const allowModule = (id: number, hash: string) => onExecutors.has(`${id}:${hash}`);
    let nextId = 0;
    const run = (ref: FnRef, inputs: unknown[]) =>
      new Promise<Reply>((resolve) => {
        const id = nextId++;
        replies.set(id, resolve);
        worker.postMessage({ id, ref, inputs });
      });

    const cases: Array<{ name: string; fn: (x: never) => unknown; inputs: unknown[]; kind: "source" | "module"; env: boolean }> = [
      { name: "pure", fn: (l: string) => l.split(" ").length, inputs: ["a b c", ""], kind: "source", env: false },
      { name: "point-free global", fn: Math.abs as (x: never) => unknown, inputs: [-2, 3], kind: "source", env: false },
      {
        name: "captures consts, Set, Buffer, a nested function and a handle",
        fn: (x: number) => [x * FACTOR + (LOOKUP.get(x % 3) ?? 0), square(x), WORDS.has("spark"), BYTES.toString("hex")],
        inputs: [1, 2, 5],
        kind: "source",
        env: true,
      },
      { name: "self-recursive", fn: fact, inputs: [5, 10], kind: "source", env: true },
      { name: "async with capture", fn: async (x: number) => (await Promise.resolve(x)) * FACTOR, inputs: [2], kind: "source", env: true },
      { name: "registered, self-contained", fn: plusOne, inputs: [1], kind: "source", env: false },
    ];
    for (const c of cases) {
      const r = shipFunction(c.fn, { allowModule });
      assert.ok(r.ok, `${c.name}: ${r.ok ? "" : r.reason}`);
      assert.equal(r.ref.kind, c.kind, c.name);
      assert.equal(r.ref.kind === "source" && r.ref.env !== undefined, c.env, c.name);
      const reply = await run(r.ref, c.inputs);
      assert.equal(reply.error, undefined, c.name);
      const expected = await Promise.all(c.inputs.map((x) => c.fn(x as never)));
      assert.deepEqual(reply.results, expected, c.name);
    }

    // A function over a class instance reaches the executor only as its own, re-imported copy.
    const viaModule = shipFunction(tagWith, { allowModule });
    assert.ok(viaModule.ok && viaModule.ref.kind === "module");
    assert.deepEqual((await run(viaModule.ref, [7])).results, ["executor-conn:7"]);
    assert.equal(tagWith(7), "driver-conn:7");

    // Ids the executor does not have fail loudly there instead of running the wrong function.
    const bogus = await run({ kind: "module", id: 42, sourceHash: "0000000000000000" }, [1]);
    assert.match(bogus.error ?? "", /no such function/);
  } finally {
    await worker.terminate();
  }
});
