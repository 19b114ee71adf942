/**
 * Encoding of captured values. Both directions live here, but this module
 * imports neither the inspector nor the shipper (nested functions go through
 * callbacks), so executors can load it.
 */
import { SHIP, type EncodedValue, type FnRef, type HandleRevivers } from "./FnRef.js";

/** Thrown while encoding; the shipper turns it into `{ ok: false, reason }`. */
export class UnshippableValue extends Error {}

export type ShipNested = (fn: Function) => { ok: true; ref: FnRef } | { ok: false; reason: string };

/** Returned for values that structured clone reproduces exactly, so all-plain data costs no allocation. */
const RAW: unique symbol = Symbol("raw");
type Enc = EncodedValue | typeof RAW;

const wrap = (e: Enc, v: unknown): EncodedValue => (e === RAW ? { t: "raw", v } : e);

const CLONE_EXACT: ReadonlySet<object> = new Set<object>([
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Int8Array.prototype,
  Uint8Array.prototype,
  Uint8ClampedArray.prototype,
  Int16Array.prototype,
  Uint16Array.prototype,
  Int32Array.prototype,
  Uint32Array.prototype,
  Float32Array.prototype,
  Float64Array.prototype,
  BigInt64Array.prototype,
  BigUint64Array.prototype,
]);

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * One encoder per shipFunction call, shared by nested functions, so a value
 * reachable twice is encoded once and structured clone keeps it shared.
 */
export class EnvEncoder {
  private readonly memo = new Map<object, Enc>();
  /** Objects on the current path from a captured variable: meeting one again is a cycle. */
  private readonly path = new Set<object>();

  constructor(private readonly shipNested: ShipNested) {}

  encode(value: unknown, where: string): EncodedValue {
    return wrap(this.enc(value, where), value);
  }

  private enc(v: unknown, where: string): Enc {
    if (v === null) return RAW;
    switch (typeof v) {
      case "undefined":
      case "boolean":
      case "number":
      case "string":
      case "bigint":
        return RAW;
      case "symbol":
        throw new UnshippableValue(`captures ${where} (a symbol)`);
      default:
        break;
    }
    const obj = v as object;
    if (this.path.has(obj)) throw new UnshippableValue(`captures ${where}, which refers back to itself (a cycle)`);
    const seen = this.memo.get(obj);
    if (seen !== undefined) return seen;
    this.path.add(obj);
    try {
      const e = this.encObject(obj, where);
      this.memo.set(obj, e);
      return e;
    } finally {
      this.path.delete(obj);
    }
  }

  private encObject(obj: object, where: string): Enc {
    const ship = (obj as Partial<Record<typeof SHIP, unknown>>)[SHIP];
    if (typeof ship === "function") {
      let h: { handle?: unknown; data?: unknown } | null | undefined;
      try {
        h = ship.call(obj) as typeof h;
      } catch (err) {
        throw new UnshippableValue(`captures ${where}, whose [dstream.ship]() threw: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (typeof h?.handle !== "string") throw new UnshippableValue(`captures ${where}, whose [dstream.ship]() returned no handle name`);
      return { t: "handle", handle: h.handle, data: this.encode(h.data, `${where} (${h.handle} data)`) };
    }
    if (typeof obj === "function") {
      const r = this.shipNested(obj);
      if (!r.ok) throw new UnshippableValue(`captures ${where} (a function that cannot be shipped: ${r.reason})`);
      return { t: "fn", ref: r.ref };
    }
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto === Object.prototype || proto === null) {
      const keys = Object.keys(obj);
      const record = obj as Record<string, unknown>;
      const encs = keys.map((k) => this.enc(record[k], IDENT.test(k) ? `${where}.${k}` : `${where}[${JSON.stringify(k)}]`));
      // Structured clone would give a null-prototype object Object.prototype, so it always needs a tag.
      if (proto !== null && encs.every((e) => e === RAW)) return RAW;
      return { t: "object", nullProto: proto === null, keys, values: encs.map((e, i) => wrap(e, record[keys[i]!])) };
    }
    if (proto === Array.prototype) {
      const arr = obj as unknown[];
      let tagged: EncodedValue[] | undefined;
      for (let i = 0; i < arr.length; i++) {
        const e = this.enc(arr[i], `${where}[${i}]`);
        if (e !== RAW && tagged === undefined) tagged = arr.slice(0, i).map((x): EncodedValue => ({ t: "raw", v: x }));
        if (tagged !== undefined) tagged.push(wrap(e, arr[i]));
      }
      return tagged === undefined ? RAW : { t: "array", items: tagged };
    }
    if (proto === Map.prototype) {
      const m = obj as Map<unknown, unknown>;
      const ks: Enc[] = [];
      const vs: Enc[] = [];
      for (const [k, val] of m) {
        ks.push(this.enc(k, `a key of ${where}`));
        vs.push(this.enc(val, `${where}.get(${typeof k === "string" ? JSON.stringify(k) : typeof k === "object" || typeof k === "function" ? "…" : String(k)})`));
      }
      if (ks.every((e) => e === RAW) && vs.every((e) => e === RAW)) return RAW;
      const entries = [...m];
      return { t: "map", keys: ks.map((e, i) => wrap(e, entries[i]![0])), values: vs.map((e, i) => wrap(e, entries[i]![1])) };
    }
    if (proto === Set.prototype) {
      const items = [...(obj as Set<unknown>)];
      const encs = items.map((x) => this.enc(x, `an element of ${where}`));
      return encs.every((e) => e === RAW) ? RAW : { t: "set", items: encs.map((e, i) => wrap(e, items[i])) };
    }
    if (Buffer.isBuffer(obj)) {
      // Copy the bytes: a small Buffer views Node's 8 KiB pool, and cloning the view would clone the whole pool.
      return { t: "buffer", bytes: new Uint8Array(obj) };
    }
    if (proto !== null && CLONE_EXACT.has(proto as object)) return RAW;
    throw new UnshippableValue(`captures ${where} (${describe(obj)})`);
  }
}

export function describe(v: object): string {
  const proto: unknown = Object.getPrototypeOf(v);
  const ctor = typeof proto === "object" && proto !== null ? (proto as { constructor?: unknown }).constructor : undefined;
  const name = typeof ctor === "function" && ctor.name !== "" ? ctor.name : undefined;
  if (name === undefined) return "an object with a custom prototype";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name} instance`;
}

export interface DecodeContext {
  readonly handles: HandleRevivers;
  readonly revive: (ref: FnRef) => Function;
  /** Encoded node → decoded value, so values shared on the driver stay shared here. */
  readonly memo: Map<object, unknown>;
}

export function decodeValue(e: EncodedValue, ctx: DecodeContext): unknown {
  if (e.t === "raw") return e.v;
  const seen = ctx.memo.get(e);
  if (seen !== undefined) return seen;
  switch (e.t) {
    case "self":
      throw new Error("a self reference can only be a captured variable itself");
    case "fn":
      return remember(ctx, e, ctx.revive(e.ref));
    case "handle": {
      const reviver = ctx.handles.get(e.handle);
      if (reviver === undefined) {
        throw new Error(`cannot revive a captured "${e.handle}" handle: this executor has no reviver registered for "${e.handle}"`);
      }
      return remember(ctx, e, reviver(decodeValue(e.data, ctx)));
    }
    case "buffer":
      return remember(ctx, e, Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength));
    case "object": {
      const o: Record<string, unknown> = e.nullProto ? (Object.create(null) as Record<string, unknown>) : {};
      remember(ctx, e, o);
      e.keys.forEach((k, i) => {
        o[k] = decodeValue(e.values[i]!, ctx);
      });
      return o;
    }
    case "array":
      return remember(ctx, e, e.items.map((x) => decodeValue(x, ctx)));
    case "map": {
      const m = new Map<unknown, unknown>();
      remember(ctx, e, m);
      e.keys.forEach((k, i) => m.set(decodeValue(k, ctx), decodeValue(e.values[i]!, ctx)));
      return m;
    }
    case "set": {
      const s = new Set<unknown>();
      remember(ctx, e, s);
      for (const x of e.items) s.add(decodeValue(x, ctx));
      return s;
    }
  }
}

function remember<T>(ctx: DecodeContext, e: EncodedValue, v: T): T {
  ctx.memo.set(e, v);
  return v;
}
