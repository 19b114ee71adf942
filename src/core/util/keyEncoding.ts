/**
 * Canonical string encoding of keys, giving JS values the structural equality Spark keys get
 * from `equals`: two keys are equal exactly when their encodings are equal.
 *
 * Equality rules (shared by `KeyMap`, `KeySet`, `keysEqual`, and consistent with `javaHashCode`):
 * - primitives compare by SameValueZero (so `0` equals `-0`, `NaN` equals `NaN`), and values
 *   of different types never compare equal (`1`, `"1"`, `1n`, `[1]` are four distinct keys);
 * - arrays compare element-wise (holes read as `undefined`);
 * - Dates compare by epoch millis (all invalid Dates are equal);
 * - typed arrays compare by element type and contents (a Buffer equals a Uint8Array with the
 *   same bytes);
 * - Maps and Sets compare by contents regardless of insertion order;
 * - every other object (plain or class instance) compares by its own enumerable string-keyed
 *   properties, order-insensitively; the prototype is ignored because structured cloning to a
 *   worker drops it anyway;
 * - symbols and functions compare by identity.
 *
 * Every encoded token is self-delimiting (a tag, then a terminator or a length prefix), so the
 * encoding of a composite is injective without escaping. Strings end with a NUL terminator
 * unless they contain NUL, in which case they get a length prefix instead: formatting a
 * length for every string costs about 60% more per tuple lookup.
 */

// Identity ids for values that can only be compared by identity. Symbols go in a Map rather
// than a WeakMap because registered symbols cannot be weak keys.
const functionIds = new WeakMap<object, number>();
const symbolIds = new Map<symbol, number>();
let nextIdentity = 0;

/** A process-local id, stable for the lifetime of the value; used only for symbols/functions. */
export function identityId(v: symbol | ((...args: never[]) => unknown)): number {
  if (typeof v === "symbol") {
    let id = symbolIds.get(v);
    if (id === undefined) symbolIds.set(v, (id = nextIdentity++));
    return id;
  }
  let id = functionIds.get(v);
  if (id === undefined) functionIds.set(v, (id = nextIdentity++));
  return id;
}

function numberToken(n: number): string {
  // String(-0) is "0" and String(NaN) is "NaN", which is exactly SameValueZero.
  return `n${n};`;
}

function stringToken(s: string): string {
  return s.indexOf("\u0000") < 0 ? `s${s}\u0000` : `S${s.length}:${s}`;
}

/** Encodes any value as a self-delimiting token. */
export function encodeToken(v: unknown): string {
  switch (typeof v) {
    case "string":
      return stringToken(v);
    case "number":
      return numberToken(v);
    case "boolean":
      return v ? "T" : "F";
    case "undefined":
      return "U";
    case "bigint":
      return `b${v};`;
    case "symbol":
      return `@${identityId(v)};`;
    case "function":
      return `@${identityId(v as () => unknown)};`;
    case "object":
      return v === null ? "N" : encodeComposite(v);
  }
  return "U";
}

function encodeArray(a: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < a.length; i++) {
    const e = a[i];
    // Inline the two commonest tuple element types: word-count style keys are ["w", 1].
    if (typeof e === "string") out += stringToken(e);
    else if (typeof e === "number") out += "n" + e + ";";
    else out += encodeToken(e);
  }
  return out + "]";
}

function encodeView(v: ArrayBufferView): string {
  const tag = v instanceof DataView ? "DataView" : (v as Uint8Array)[Symbol.toStringTag];
  if (v instanceof Uint8Array || v instanceof DataView) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return `y${tag}:${bytes.length}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1")}`;
  }
  let out = `v${tag}[`;
  const elements = v as unknown as ArrayLike<number | bigint>;
  for (let i = 0; i < elements.length; i++) out += encodeToken(elements[i]);
  return out + "]";
}

function encodeComposite(o: object): string {
  if (Array.isArray(o)) return encodeArray(o);
  if (o instanceof Date) return `d${o.getTime()};`;
  if (ArrayBuffer.isView(o)) return encodeView(o);
  if (o instanceof Map) {
    const entries: string[] = [];
    for (const [k, v] of o) entries.push(encodeToken(k) + encodeToken(v));
    entries.sort();
    return `M{${entries.join("")}}`;
  }
  if (o instanceof Set) {
    const elements: string[] = [];
    for (const e of o) elements.push(encodeToken(e));
    elements.sort();
    return `S{${elements.join("")}}`;
  }
  const keys = Object.keys(o).sort();
  let out = "{";
  for (const k of keys) out += stringToken(k) + encodeToken((o as Record<string, unknown>)[k]);
  return out + "}";
}

/** True for values that `KeyMap`/`KeySet` key by encoding rather than natively. */
export function isCompositeKey(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}

/**
 * The canonical encoding of a composite (object) key. Primitive keys are never encoded: the
 * collections keep them in a separate native map, so encodings cannot collide with them.
 */
export function encodeKey(key: object): string {
  return Array.isArray(key) ? encodeArray(key) : encodeComposite(key);
}

/** Structural key equality, as used by `KeyMap`. */
export function keysEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isCompositeKey(a)) return isCompositeKey(b) && encodeKey(a) === encodeKey(b);
  // SameValueZero for the primitives that `===` gets wrong.
  return a !== a && b !== b && typeof a === "number" && typeof b === "number";
}
