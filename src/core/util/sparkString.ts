/**
 * How dstream prints an element in `print()`, `saveAsTextFile` and friends: Scala's `toString`
 * for values with a JVM twin, so output lines look like Spark's.
 *
 * Arrays are the ambiguous case, since dstream tuples are arrays. The rule:
 * - A top-level array of length 2..22 is a tuple: `["a", 1]` prints `(a,1)`.
 * - Any nested array (inside a tuple, list, Map or Set) of length exactly 2 whose first element
 *   is not an array is a tuple too: `[["a", 1], 2]` prints `((a,1),2)`.
 * - Every other array is a list and prints `[1, 2, 3]`: top-level arrays of length 0, 1 or
 *   more than 22, and nested arrays of any other shape (`["k", [1, 2, 3]]` prints
 *   `(k,[1, 2, 3])`, `["k", [[1, 2]]]` prints `(k,[(1,2)])`).
 * Consequence to be aware of: a nested two-element list of non-arrays, e.g. a `groupByKey`
 * value with exactly two elements, prints as a tuple: `["k", [1, 2]]` prints `(k,(1,2))`.
 *
 * Other values:
 * - strings raw (no quotes, also inside tuples), `null` as `null`, `undefined` as `None`;
 * - numbers with JS `String(n)` (integers have no `.0`, NaN/Infinity as Scala spells them);
 * - bigints as digits, booleans as `true`/`false`, Dates as ISO-8601 (`Invalid Date` if invalid);
 * - Map as `Map(a -> 1, b -> 2)`, Set as `Set(1, 2)`, typed arrays/Buffers as lists of numbers;
 * - objects with their own `toString` (a class overriding it) via that `toString`, like the JVM;
 * - other objects as JSON (bigints inside as strings).
 */
export function sparkString(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length >= 2 && value.length <= 22 ? tupleString(value) : listString(value);
  }
  return scalarString(value);
}

function nestedString(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 2 && !Array.isArray(value[0]) ? tupleString(value) : listString(value);
  }
  return scalarString(value);
}

function tupleString(t: readonly unknown[]): string {
  let out = "(";
  for (let i = 0; i < t.length; i++) {
    if (i > 0) out += ",";
    out += nestedString(t[i]);
  }
  return out + ")";
}

function listString(a: ArrayLike<unknown>): string {
  let out = "[";
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ", ";
    out += nestedString(a[i]);
  }
  return out + "]";
}

function scalarString(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
    case "undefined":
      return "None";
    case "symbol":
      return value.toString();
    case "function":
      return String(value);
  }
  if (value === null) return "null";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value) parts.push(`${nestedString(k)} -> ${nestedString(v)}`);
    return `Map(${parts.join(", ")})`;
  }
  if (value instanceof Set) {
    const parts: string[] = [];
    for (const e of value) parts.push(nestedString(e));
    return `Set(${parts.join(", ")})`;
  }
  if (ArrayBuffer.isView(value)) {
    const view =
      value instanceof DataView
        ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
        : (value as unknown as ArrayLike<unknown>);
    return listString(view);
  }
  const obj = value as object;
  if (obj.toString !== Object.prototype.toString && typeof obj.toString === "function") {
    return String(obj);
  }
  return JSON.stringify(obj, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "";
}
