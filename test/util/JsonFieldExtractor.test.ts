import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JsonFieldExtractor, JsonFieldParseError, SparkContext } from "../../src/index.js";

/** What the extractor must return: JSON.parse's fields, or a throw where JSON.parse throws. */
function expected(text: string, fields: string[]): unknown[] | "throws" {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return "throws";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "throws";
  const o = v as Record<string, unknown>;
  return fields.map((f) => (Object.prototype.hasOwnProperty.call(o, f) ? o[f] : undefined));
}

function check(text: string, fields: string[]): void {
  const x = new JsonFieldExtractor(fields);
  const want = expected(text, fields);
  for (const input of [text, Buffer.from(text, "utf8"), new Uint8Array(Buffer.from(text, "utf8"))]) {
    if (want === "throws") assert.throws(() => x.extract(input), JsonFieldParseError, `accepted ${JSON.stringify(text)}`);
    else assert.deepEqual(x.extract(input), want, `on ${JSON.stringify(text)}`);
  }
}

// A small seeded generator, so a failure reproduces.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const KEYS = ["a", "b", "ad_id", "é", "k\"q", "\u{1F600}", "x\\y", "event_time"];
const STRINGS = ["", "view", "a\"b", "back\\slash", "tab\tnl\n", "ünï", "\u{1F600}", "\u0001", "\u2028", "/"];

function genValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 2 ? 6 : 8));
  switch (k) {
    case 0: return STRINGS[Math.floor(r() * STRINGS.length)];
    case 1: return Math.floor((r() - 0.5) * 1e6);
    case 2: return (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    case 3: return r() < 0.5;
    case 4: return null;
    case 5: return String(Math.floor(r() * 1e13));
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => genValue(r, depth + 1));
    default: return genObject(r, depth + 1);
  }
}
function genObject(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let n = Math.floor(r() * 6); n > 0; n--) o[KEYS[Math.floor(r() * KEYS.length)]!] = genValue(r, depth);
  return o;
}
/** JSON text of an object with random whitespace, \u escapes and (sometimes) duplicate keys. */
function genText(r: () => number): string {
  const ws = (): string => [" ", "\n", "\t", "\r", ""][Math.floor(r() * 5)]!.repeat(Math.floor(r() * 2));
  const str = (s: string): string => (r() < 0.3 ? `"${[...s].map((c) => (c.length === 2 ? `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16).toUpperCase()}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)).join("")}"` : JSON.stringify(s));
  const val = (v: unknown): string => {
    if (typeof v === "string") return str(v);
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => val(x)).join(`${ws()},${ws()}`)}${ws()}]`;
    if (v !== null && typeof v === "object") return obj(Object.entries(v as Record<string, unknown>));
    return JSON.stringify(v);
  };
  const obj = (entries: Array<[string, unknown]>): string => `{${ws()}${entries.map(([k, v]) => `${str(k)}${ws()}:${ws()}${val(v)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  const entries = Object.entries(genObject(r, 0));
  if (entries.length > 0 && r() < 0.3) entries.push([entries[0]![0], genValue(r, 1)]);
  return `${ws()}${obj(entries)}${ws()}`;
}

describe("JsonFieldExtractor", () => {
  it("returns the wanted fields of YSB's event, in the order asked, undefined for absent ones", () => {
    const ev = JSON.stringify({ user_id: "u", ad_id: "ad-1", ad_type: "banner", event_type: "view", event_time: "1700000000000", ip_address: "1.2.3.4" });
    assert.deepEqual(new JsonFieldExtractor(["event_type", "ad_id", "event_time", "missing"]).extract(Buffer.from(ev)), ["view", "ad-1", "1700000000000", undefined]);
  });

  it("equals JSON.parse on escapes, surrogate pairs, numbers, literals, nesting and duplicate keys", () => {
    const fields = ["a", "b", "é", "\u{1F600}", "k\"q"];
    for (const t of [
      `{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t","b":"\\ud83d\\ude00"}`,
      `{"\\u00e9":1,"\\ud83d\\ude00":2,"k\\"q":3}`,
      `{"a":-0,"b":1.5e-3,"é":1E+21}`,
      `{"a":true,"b":false,"é":null}`,
      `{"x":{"a":1,"b":[1,{"a":2}]},"a":[1,"2",{"c":null}],"b":{"n":{}}}`,
      `{"a":1,"a":2,"b":"x","b":{"y":1}}`,
      `  {  "a" : "\\udc00"  }  `,
      `{}`,
    ])
      check(t, fields);
  });

  it("equals JSON.parse over generated objects and their mutations (truncated, byte-flipped)", () => {
    const r = rng(42);
    const fields = ["a", "b", "ad_id", "é", "\u{1F600}", "event_time", "k\"q", "x\\y"];
    const junk = ['"', "\\", "{", "}", "[", "]", ",", ":", " ", "0", "-", ".", "e", "t", "n", "\u0001", "x"];
    for (let n = 0; n < 3000; n++) {
      const text = genText(r);
      check(text, fields);
      check(text.slice(0, Math.floor(r() * text.length)), fields);
      const at = Math.floor(r() * text.length);
      const mutated = text.slice(0, at) + junk[Math.floor(r() * junk.length)]! + text.slice(at + (r() < 0.5 ? 1 : 0));
      check(mutated, fields);
    }
  });

  it("returns the right text for many distinct short strings of one length, repeated and interleaved", () => {
    // Short ASCII values come from a table of recent strings: equal lengths and colliding slots must never be confused.
    const x = new JsonFieldExtractor(["t", "id"]);
    const ids = Array.from({ length: 5000 }, (_, i) => String(1e12 + i * 7919));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < ids.length; i++) {
        const t = ["view", "vie2", "clic", "buy!"][(i * 7 + round) % 4]!;
        assert.deepEqual(x.extract(Buffer.from(`{"t":"${t}","id":"${ids[i]}"}`)), [t, ids[i]]);
      }
    }
  });

  it("rejects malformed input naming the operation, the byte offset and the problem", () => {
    const x = new JsonFieldExtractor(["a"]);
    const cases: Array<[string, number, RegExp]> = [
      [`{"a":1,}`, 7, /expected a key string/],
      [`{"a":01}`, 6, /expected ',' or '}'/],
      [`{"a":"x\ty"}`, 7, /control character 0x09/],
      [`{"a":"\\x"}`, 6, /bad escape/],
      [`{"a":"\\u12g4"}`, 6, /bad \\u escape/],
      [`{"a":tru}`, 5, /expected true/],
      [`[1]`, 0, /expected '\{'/],
      [`{"a":1} x`, 8, /after the end of the object/],
      [`{"a":"x`, 7, /unterminated string/],
      [`{"a":1.}`, 7, /digit after '.'/],
    ];
    for (const [text, offset, problem] of cases) {
      assert.throws(() => x.extract(text), (e: unknown) => {
        assert.ok(e instanceof JsonFieldParseError, String(e));
        assert.equal(e.offset, offset, `${text}: ${e.message}`);
        assert.match(e.message, /^JsonFieldExtractor\.extract: malformed JSON at byte \d+: /);
        assert.match(e.message, problem);
        return true;
      });
    }
    assert.throws(() => new JsonFieldExtractor([]), /at least one field/);
  });

  it("travels to executor threads when a task function captures it", async () => {
    const sc = new SparkContext({ master: "local[2]", appName: "json-fields", conf: { "spark.executor.reloadModule": "false", "spark.ui.enabled": "false" } });
    try {
      const fields = new JsonFieldExtractor(["id", "tag"]);
      const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ skip: [i], id: i, tag: `t${i % 3}` }));
      const got = await sc.parallelize(lines, 4).map((l) => fields.extract(l)).collect();
      assert.deepEqual(got, lines.map((l) => [JSON.parse(l).id, JSON.parse(l).tag]));
    } finally {
      await sc.stop();
    }
  });
});
