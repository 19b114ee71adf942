/**
 * How dstream prints an element in `print()`, `saveAsTextFile` and friends: Scala's `toString`
 * for values with a JVM twin, so output lines look like Spark's.
 *
 * Arrays are the ambiguous case, since dstream tuples are arrays. The rule is the same at every
 * nesting level (top level, inside tuples, lists, Maps and Sets), so an array prints the same
 * wherever it sits:
 * - an array of exactly two elements is a pair, the tuple every key-value operation takes, and
 *   prints as Scala prints a Tuple2: `["a", 1]` is `(a,1)`, `["k", [1, 2]]` is `(k,(1,2))`,
 *   `[["a", 1], 2]` is `((a,1),2)`;
 * - every other array is a list: `[1, 2, 3]`, `[]`, `[5]`, `["k", [1, 2, 3]]` is `(k,[1, 2, 3])`.
 * So a two-element list (a `groupByKey` value with two values) prints as a pair, and a wider
 * tuple as a list; format those yourself where the difference matters.
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
  if (Array.isArray(value)) return value.length === 2 ? `(${sparkString(value[0])},${sparkString(value[1])})` : listString(value);
  return scalarString(value);
}

function listString(a: ArrayLike<unknown>): string {
  let out = "[";
  for (let i = 0; i < a.length; i++) {
    if (i > 0) out += ", ";
    out += sparkString(a[i]);
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
    for (const [k, v] of value) parts.push(`${sparkString(k)} -> ${sparkString(v)}`);
    return `Map(${parts.join(", ")})`;
  }
  if (value instanceof Set) {
    const parts: string[] = [];
    for (const e of value) parts.push(sparkString(e));
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
