/**
 * A deep copy that keeps every object's class, as Spark's serializer round trip does when it
 * gives each partition (and each key) its own copy of a zero value: `new StatCounter()` or a
 * user's accumulator class stays usable, where `structuredClone` would leave a plain object.
 * Functions and symbols are shared, not copied; shared and cyclic references stay shared.
 */
export function copyValue<T>(value: T): T {
  return copyInto(value, new Map());
}

function copyInto<T>(value: T, seen: Map<object, unknown>): T {
  if (typeof value !== "object" || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done as T;
  const proto = Object.getPrototypeOf(value) as object | null;
  let out: object;
  if (value instanceof Date) out = new Date(value.getTime());
  else if (value instanceof RegExp) out = new RegExp(value.source, value.flags);
  else if (value instanceof ArrayBuffer) out = value.slice(0);
  else if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    const ctor = value.constructor as new (buffer: ArrayBufferLike, offset?: number, length?: number) => ArrayBufferView;
    out = value instanceof DataView ? new DataView(bytes.buffer) : new ctor(bytes.buffer, 0, (value as unknown as { length: number }).length);
  } else if (Array.isArray(value)) {
    const a: unknown[] = new Array(value.length);
    seen.set(value, a);
    for (let i = 0; i < value.length; i++) a[i] = copyInto(value[i], seen);
    out = a;
  } else if (value instanceof Map) {
    const m = new Map<unknown, unknown>();
    seen.set(value, m);
    for (const [k, v] of value) m.set(copyInto(k, seen), copyInto(v, seen));
    out = m;
  } else if (value instanceof Set) {
    const s = new Set<unknown>();
    seen.set(value, s);
    for (const x of value) s.add(copyInto(x, seen));
    out = s;
  } else {
    out = Object.create(proto) as object;
    seen.set(value, out);
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if ("value" in d) d.value = copyInto(d.value, seen);
      Object.defineProperty(out, key, d);
    }
    return out as T;
  }
  seen.set(value, out);
  // Subclasses of the built-ins (class Bag extends Map) keep their prototype too.
  if (Object.getPrototypeOf(out) !== proto) Object.setPrototypeOf(out, proto);
  // Own properties added to a built-in (an array with extra fields) are copied as well.
  if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
    for (const key of Reflect.ownKeys(value)) {
      if (Array.isArray(value) && (key === "length" || (typeof key === "string" && String(Number(key) >>> 0) === key))) continue;
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if ("value" in d) d.value = copyInto(d.value, seen);
      Object.defineProperty(out, key, d);
    }
  }
  return out as T;
}

// Closures that copy a zero value (aggregateByKey, foldByKey) reach executors with this function by name.
Object.defineProperty(copyValue, Symbol.for("dstream.ship"), {
  value: () => ({ handle: "copyValue", data: null }),
});
