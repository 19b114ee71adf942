import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import {
  registerUserFunction,
  reviveFunction,
  SHIP,
  shipFunction,
  sourceHash,
  userFunctionId,
  type FnRef,
  type HandleRevivers,
  type ShipHandle,
  type ShipOptions,
} from "../../src/core/closure/index.js";

type Fn = (...args: never[]) => unknown;

function ship(fn: Function, opts?: ShipOptions): FnRef {
  const r = shipFunction(fn, opts);
  assert.ok(r.ok, r.ok ? "" : `expected shippable, got: ${r.reason}`);
  return r.ref;
}

function failure(fn: Function, opts?: ShipOptions) {
  const r = shipFunction(fn, opts);
  assert.equal(r.ok, false, "expected unshippable");
  if (r.ok) throw new Error("unreachable");
  return r;
}

/** Ship, push the reference through structured clone as postMessage would, and revive. */
function roundTrip<F extends Function>(fn: F, handles: HandleRevivers = new Map()): F {
  return reviveFunction(structuredClone(ship(fn)), handles) as F;
}

const fromSource = (source: string): Function => (0, eval)(`(${source})`) as Function;

test("(a) functions without free variables ship as bare source", () => {
  const ref = ship((l: string) => l.split(" "));
  assert.equal(ref.kind, "source");
  assert.ok(ref.kind === "source" && ref.env === undefined);
  const json = ship((s: string) => JSON.parse(s) as unknown);
  assert.ok(json.kind === "source" && json.env === undefined);
  assert.deepEqual((reviveFunction(json, new Map()) as (s: string) => unknown)('{"a":[1]}'), { a: [1] });
  assert.deepEqual(ship(parseInt), { kind: "source", source: "parseInt" });
});

const K = 3;
const WORDS = ["a", "b"];
const LIMITS = { min: 1, max: 10, tags: ["x"] };
let mutable = 1;

test("(c) captures module-level consts, objects and arrays by value", () => {
  const f = (x: number) => Math.min(LIMITS.max, x * K) + WORDS.length + LIMITS.tags.length;
  const ref = ship(f);
  assert.equal(ref.kind, "source");
  assert.ok(ref.kind === "source" && ref.env !== undefined);
  assert.deepEqual(ref.kind === "source" ? ref.env?.names : undefined, ["K", "LIMITS", "WORDS"]);
  const g = roundTrip(f);
  for (const x of [0, 2, 5]) assert.equal(g(x), f(x));
});

test("captured values are a snapshot taken at each call", () => {
  const read = () => mutable;
  mutable = 1;
  const first = roundTrip(read);
  mutable = 2;
  const second = roundTrip(read);
  assert.equal(first(), 1);
  assert.equal(second(), 2);
  mutable = 1;
});

const TABLE = new Map<string, number>([["x", 1], ["y", 2]]);
const SEEN = new Set(["p", "q"]);
const WHEN = new Date(1_700_000_000_000);
const PATTERN = /b+/gi;
const FLOATS = new Float64Array([1.5, 2.5]);
const BYTES = Buffer.from("héllo");
const RAW_BUFFER = new Uint8Array([9, 8, 7]).buffer;
const BIG = 2n ** 70n;
const SPECIAL = [NaN, -0, Infinity, undefined, null] as const;
const DICT: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { k: 1 });

test("Map, Set, Date, RegExp, typed arrays, Buffer, ArrayBuffer, bigint and special numbers round-trip", () => {
  const f = () => ({
    table: TABLE.get("y"),
    seen: SEEN.has("q"),
    when: WHEN.getTime(),
    pattern: "aBBb".replace(PATTERN, "-"),
    floats: FLOATS[1],
    bytes: BYTES.toString("utf8"),
    isBuffer: Buffer.isBuffer(BYTES),
    raw: new Uint8Array(RAW_BUFFER)[2],
    big: BIG + 1n,
    special: SPECIAL.map((v) => Object.is(v, -0) ? "-0" : String(v)),
    dictProto: Object.getPrototypeOf(DICT) === null,
    dictK: DICT["k"],
  });
  const g = roundTrip(f);
  assert.deepEqual(g(), f());
  assert.deepEqual(g(), {
    table: 2, seen: true, when: 1_700_000_000_000, pattern: "a-", floats: 2.5, bytes: "héllo", isBuffer: true,
    raw: 7, big: 2n ** 70n + 1n, special: ["NaN", "-0", "Infinity", "undefined", "null"], dictProto: true, dictK: 1,
  });
});

const double = (x: number) => x * 2;
const addK = (x: number) => double(x) + K;
const OPS = { inc: (x: number) => x + 1, scale: (x: number) => double(x) };

test("captured functions ship recursively, also inside objects", () => {
  const f = (x: number) => addK(x) + OPS.inc(x) + OPS.scale(x);
  const ref = ship(f);
  assert.ok(ref.kind === "source" && ref.env !== undefined);
  assert.ok(ref.env.values.some((v) => v.t === "fn"));
  const g = roundTrip(f);
  for (const x of [1, 4]) assert.equal(g(x), f(x));
});

const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

test("a function that refers to itself through a captured variable ships", () => {
  const ref = ship(fact);
  assert.ok(ref.kind === "source" && ref.env?.values[0]?.t === "self");
  const g = roundTrip(fact);
  assert.equal(g(10), 3_628_800);
  assert.equal(g.name, "fact");
});

const isEven = (n: number): boolean => (n === 0 ? true : isOdd(n - 1));
const isOdd = (n: number): boolean => (n === 0 ? false : isEven(n - 1));

test("mutually recursive captured functions are a cycle and unshippable", () => {
  const r = failure(isEven);
  assert.match(r.reason, /cycle/);
  assert.deepEqual(r.captured, ["isOdd"]);
});

const SHARED = { v: 1 };
const PAIR = { a: SHARED, b: SHARED, f: (x: number) => x };

test("values reachable twice stay shared after revival", () => {
  const f = () => [PAIR, SHARED] as const;
  const [pair, shared] = roundTrip(f)();
  assert.equal(pair.a, pair.b);
  assert.equal(pair.a, shared);
  assert.equal(pair.f(3), 3);
});

const CYCLIC: { name: string; self?: unknown } = { name: "c" };
CYCLIC.self = CYCLIC;
const CYCLIC_LIST: unknown[] = [1];
CYCLIC_LIST.push({ back: CYCLIC_LIST });

test("cyclic data is unshippable, naming the path", () => {
  assert.equal(failure(() => CYCLIC.name).reason, "captures CYCLIC.self, which refers back to itself (a cycle)");
  assert.equal(failure(() => CYCLIC_LIST.length).reason, "captures CYCLIC_LIST[1].back, which refers back to itself (a cycle)");
});

class FakeBroadcast<T> {
  constructor(
    readonly id: number,
    readonly value: T,
  ) {}
  [SHIP](): ShipHandle {
    return { handle: "test.broadcast", data: { id: this.id } };
  }
}
const BROADCAST_VALUES = new Map<number, unknown>([[7, { threshold: 3 }]]);
const HANDLES: HandleRevivers = new Map([
  ["test.broadcast", (data: unknown) => ({ value: BROADCAST_VALUES.get((data as { id: number }).id) })],
]);
const BC = new FakeBroadcast(7, { threshold: 3 });
const HOLDER = { bc: BC, k: K };

test("handles ship as their [dstream.ship]() data and are rebuilt by the caller's revivers", () => {
  const f = (x: number) => x > BC.value.threshold && HOLDER.bc.value.threshold === 3 && HOLDER.k === K;
  const ref = ship(f);
  assert.ok(ref.kind === "source" && ref.env !== undefined);
  assert.deepEqual(ref.env.values.find((v) => v.t === "handle"), { t: "handle", handle: "test.broadcast", data: { t: "raw", v: { id: 7 } } });
  const g = reviveFunction(structuredClone(ref), HANDLES) as typeof f;
  assert.equal(g(5), true);
  assert.equal(g(1), false);
  assert.throws(() => reviveFunction(structuredClone(ref), new Map()), /no reviver registered for "test\.broadcast"/);
});

class Connection {
  tag = "c";
}
const conn = new Connection();
const socket = new Socket();
const pending = Promise.resolve(1);
const weak = new WeakMap<object, number>();
const sym = Symbol("s");
const CONFIG = { nested: { client: new Connection() } };
class Point {
  constructor(readonly x: number) {}
}

test("class instances and other non-data values are unshippable with a reason naming variable and type", () => {
  assert.equal(failure(() => conn.tag).reason, "captures conn (a Connection instance)");
  assert.equal(failure(() => socket.readable).reason, "captures socket (a Socket instance)");
  assert.equal(failure(() => pending).reason, "captures pending (a Promise instance)");
  assert.equal(failure(() => weak).reason, "captures weak (a WeakMap instance)");
  assert.equal(failure(() => sym).reason, "captures sym (a symbol)");
  assert.equal(failure(() => CONFIG.nested.client.tag).reason, "captures CONFIG.nested.client (a Connection instance)");
  assert.equal(failure((x: number) => new Point(x)).reason, "captures Point (a function that cannot be shipped: is a class constructor)");
  const r = failure(() => [K, conn]);
  assert.deepEqual(r.captured, ["K", "conn"]);
});

test("a function whose helper is unshippable explains why", () => {
  const helper = (x: number) => x + conn.tag.length;
  const r = failure((x: number) => helper(x));
  assert.equal(r.reason, "captures helper (a function that cannot be shipped: captures conn (a Connection instance))");
});

const thisUser = function (this: { k: number }) { // THIS-MARKER
  return this.k;
};

test("(d) `this` makes a function unshippable, with its location", () => {
  const r = failure(thisUser);
  assert.equal(r.reason, "uses `this`");
  const file = fileURLToPath(import.meta.url);
  const line = readFileSync(file, "utf8").split("\n").findIndex((l) => l.includes("// THIS-" + "MARKER")) + 1;
  assert.ok(line > 0);
  assert.equal(r.location, `${file}:${line}`);
});

test("native non-global and bound functions are unshippable", () => {
  assert.equal(failure(Array.prototype.map).reason, "is a native function");
  assert.equal(failure(double.bind(null)).reason, "is a bound function");
});

test("variables that cannot be read are reported", () => {
  const r = failure(fromSource("() => definedNowhere + 1"));
  assert.equal(r.reason, "captures definedNowhere, which cannot be read from its closure");
  assert.deepEqual(r.captured, ["definedNowhere"]);
});

test("globals added at run time are captured by value, since workers do not have them", () => {
  const g = globalThis as Record<string, unknown>;
  g["dstreamShipRuntimeFactor"] = 7;
  try {
    const f = fromSource("x => x * dstreamShipRuntimeFactor") as (x: number) => number;
    const ref = ship(f);
    delete g["dstreamShipRuntimeFactor"];
    assert.equal((reviveFunction(structuredClone(ref), new Map()) as (x: number) => number)(6), 42);
  } finally {
    delete g["dstreamShipRuntimeFactor"];
  }
});

// Shadows the global `escape`; a closure using it must get this one, not the executor's global.
const escape = (s: string) => `<${s}>`;

test("a module binding that shadows a global name is captured, not left to the global", () => {
  const f = (s: string) => escape(s);
  const ref = ship(f);
  assert.ok(ref.kind === "source" && ref.env?.names.includes("escape"));
  assert.equal((reviveFunction(structuredClone(ref), new Map()) as typeof f)("a"), "<a>");
});

test("(b) registered functions ship by module id when the executors confirm id and hash", () => {
  const withConn = (x: number) => conn.tag + x;
  registerUserFunction(withConn);
  const id = userFunctionId(withConn);
  assert.equal(typeof id, "number");
  const seen: Array<[number, string]> = [];
  const ref = ship(withConn, { allowModule: (i, h) => (seen.push([i, h]), true) });
  assert.deepEqual(ref, { kind: "module", id, sourceHash: sourceHash(withConn) });
  assert.deepEqual(seen, [[id, sourceHash(withConn)]]);
  // Executors that disagree send it down the capture path, which cannot take a class instance.
  assert.equal(failure(withConn, { allowModule: () => false }).reason, "captures conn (a Connection instance)");
});

test("(a) comes before (b): self-contained functions ship by source even when registered", () => {
  const pure = (x: number) => x + 1;
  registerUserFunction(pure);
  assert.equal(ship(pure, { allowModule: () => true }).kind, "source");
});

test("(b) also rescues functions that cannot be recreated from source", () => {
  registerUserFunction(thisUser);
  assert.equal(ship(thisUser, { allowModule: () => true }).kind, "module");
});

test("nested registered functions become module refs inside an env", () => {
  const needsConn = (x: number) => conn.tag + x;
  registerUserFunction(needsConn);
  const outer = (x: number) => needsConn(x) + K;
  const ref = ship(outer, { allowModule: (id) => id === userFunctionId(needsConn) });
  assert.ok(ref.kind === "source" && ref.env !== undefined);
  const nested = ref.env.values.find((v) => v.t === "fn");
  assert.ok(nested?.t === "fn" && nested.ref.kind === "module");
});

test("method shorthand with captured variables round-trips", () => {
  const o = {
    scale(x: number) {
      return x * K;
    },
  };
  assert.equal(roundTrip(o.scale)(4), 12);
});

test("async and generator functions with captures round-trip", async () => {
  const a = async (x: number) => (await Promise.resolve(x)) + K;
  assert.equal(await roundTrip(a)(1), 4);
  const gen = function* () {
    yield* WORDS;
  };
  assert.deepEqual([...roundTrip(gen)()], ["a", "b"]);
});

test("ship results stay plain data: structured clone reproduces them", () => {
  const f: Fn = () => [TABLE, OPS, BC, BYTES];
  const r = shipFunction(f);
  assert.ok(r.ok);
  assert.deepEqual(structuredClone(r.ref), r.ref);
});
