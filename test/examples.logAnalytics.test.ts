/**
 * The LogAnalytics example on its embedded default (a loopback server streaming a sample access
 * log), run as a user would in a child process: what it prints and writes is checked against
 * the windows a direct computation over the same sample gives.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startExample } from "./helpers/exampleProcess.js";
import { written } from "./helpers/exampleOutput.js";
import { parseAccessLog, sampleAccessLog, type AccessLogEntry } from "../examples/support/accessLog.js";

const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
const MINUTE = 60_000;

/** What the example must report, computed directly from the sample (every window closes: the last line is an hour later). */
function expected() {
  const entries: AccessLogEntry[] = [];
  const malformed: string[] = [];
  for (const line of sampleAccessLog()) {
    try {
      entries.push(parseAccessLog(line));
    } catch (e) {
      malformed.push(`malformed (the event time function threw: ${(e as Error).message}): ${line}`);
    }
  }
  const last = Math.max(...entries.map((e) => e.time));
  // Windows still open at the end (the final line's) are not emitted in append mode.
  const closed = (end: number) => end <= last - 10_000;
  const count = <K>(windowOf: (e: AccessLogEntry) => number[], key: (e: AccessLogEntry) => K, len: number) => {
    const m = new Map<string, { start: number; key: K; n: number; errors: number }>();
    for (const e of entries) {
      for (const start of windowOf(e)) {
        if (!closed(start + len)) continue;
        const id = `${start} ${String(key(e))}`;
        const c = m.get(id) ?? { start, key: key(e), n: 0, errors: 0 };
        c.n++;
        if (e.status >= 500) c.errors++;
        m.set(id, c);
      }
    }
    return [...m.values()];
  };
  const minute = (e: AccessLogEntry) => [Math.floor(e.time / MINUTE) * MINUTE];
  const fiveMinutes = (e: AccessLogEntry) => Array.from({ length: 5 }, (_, k) => (Math.floor(e.time / MINUTE) - k) * MINUTE);
  const span = (start: number, len: number) => `${hhmm(start)}-${hhmm(start + len)}`;
  const status = count(minute, (e) => e.status, MINUTE).map((c) => `status ${span(c.start, MINUTE)} ${c.key} ${c.n}`);
  const byWindow = new Map<number, Array<[string, number]>>();
  for (const c of count(minute, (e) => e.url, MINUTE)) byWindow.set(c.start, [...(byWindow.get(c.start) ?? []), [c.key, c.n]]);
  const top = [...byWindow].flatMap(([start, urls]) =>
    urls
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([url, n], i) => `top ${span(start, MINUTE)} ${i + 1}. ${url} ${n}`),
  );
  const alerts = count(fiveMinutes, (e) => e.host, 5 * MINUTE)
    .filter((c) => c.n >= 20 && c.errors / c.n > 0.2)
    .map((c) => `ALERT ${span(c.start, 5 * MINUTE)} ${c.key} 5xx rate ${((100 * c.errors) / c.n).toFixed(1)}% (${c.errors} of ${c.n})`);
  return { status: status.sort(), top: top.sort(), alerts: alerts.sort(), malformed: malformed.sort() };
}

test("LogAnalytics on its embedded sample: status codes, top URLs, 5xx alerts and malformed lines, printed and written", { timeout: 180_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), "dstream-loganalytics-test-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { code, stdout, stderr } = await startExample(["LogAnalytics", "--out", out, "--seconds", "12"]).exited;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /No --socket or --dir given: streaming a sample access log from 127\.0\.0\.1:\d+\./);
  const want = expected();
  const printed = stdout.split("\n");
  const pick = (prefix: string) => printed.filter((l) => l.startsWith(prefix)).sort();
  assert.ok(want.alerts.length > 0 && want.malformed.length > 0, "the sample has alerts and malformed lines");
  assert.deepEqual(pick("status "), want.status);
  assert.deepEqual(pick("top "), want.top);
  assert.deepEqual(pick("ALERT "), want.alerts);
  assert.deepEqual(pick("malformed "), want.malformed);
  assert.match(stderr, new RegExp(`Malformed lines: ${want.malformed.length}\\.`));
  assert.deepEqual(written(out, "status"), want.status);
  assert.deepEqual(written(out, "alerts"), want.alerts);
  assert.deepEqual(written(out, "dead-letters"), want.malformed);
});
