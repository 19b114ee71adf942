/**
 * The report `npm test` prints: a dot per passing test, each failure in full as it happens,
 * the runner's totals, the failures again, and last a line `N passed, N failed`.
 * What test files write to stdout and stderr (the engine's logs, including those of tests that
 * fail on purpose) goes to DSTREAM_TEST_LOG (test-output/engine.log), not to the terminal.
 * Node's test runner loads this file itself (`--test-reporter`), so it is plain JavaScript.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, relative } from "node:path";
import { inspect } from "node:util";

const LOG = process.env.DSTREAM_TEST_LOG ?? "test-output/engine.log";
const WIDTH = 80;
const MAX_ERROR_LINES = 40;

const rel = (file) => (file ? relative(process.cwd(), file) : "");

function describe(error) {
  // The runner wraps what the test threw; the cause is the user's error.
  const e = error?.code === "ERR_TEST_FAILURE" && error.cause !== undefined ? error.cause : error;
  const text = e instanceof Error || (e && typeof e === "object") ? inspect(e, { depth: 4 }) : String(e);
  // The runner's and Node's own frames say nothing about the failure.
  const lines = text.split("\n").filter((l) => !/^\s+at .*\(?node:(internal|async_hooks)/.test(l));
  const kept = lines.length > MAX_ERROR_LINES ? [...lines.slice(0, MAX_ERROR_LINES), `... ${lines.length - MAX_ERROR_LINES} more lines`] : lines;
  return kept.map((l) => `    ${l}`).join("\n");
}

/** A failure that only says "its subtests failed" repeats what the subtests' own reports say. */
function onlySubtestsFailed(error) {
  return error?.failureType === "subtestsFailed" || error?.cause?.failureType === "subtestsFailed";
}

export default async function* compactReporter(source) {
  mkdirSync(dirname(LOG), { recursive: true });
  const failures = [];
  const totals = new Map();
  let passed = 0;
  let column = 0;
  const newline = () => {
    const s = column > 0 ? "\n" : "";
    column = 0;
    return s;
  };
  for await (const { type, data } of source) {
    switch (type) {
      case "test:stdout":
      case "test:stderr": {
        const tag = `[${rel(data.file) || "runner"}] `;
        const text = String(data.message ?? "");
        appendFileSync(LOG, text.split(/(?<=\n)/).map((l) => tag + l).join("") + (text.endsWith("\n") ? "" : "\n"));
        break;
      }
      case "test:pass": {
        if (data.details?.type === "suite") break;
        passed++;
        yield data.skip !== undefined || data.todo !== undefined ? "s" : ".";
        if (++column >= WIDTH) yield newline();
        break;
      }
      case "test:fail": {
        if (onlySubtestsFailed(data.details?.error)) break;
        const where = rel(data.file);
        if (data.todo !== undefined) {
          // A known defect marked todo: shown, but the runner does not count it as a failure.
          yield `${newline()}○ todo, failed: ${where ? `${where} › ` : ""}${data.name} (${data.todo})\n`;
          break;
        }
        const text = `✖ ${where ? `${where} › ` : ""}${data.name}\n${describe(data.details?.error)}\n`;
        failures.push(text);
        yield `${newline()}${text}`;
        break;
      }
      case "test:diagnostic": {
        // The runner's own totals come last, outside any file: "tests 12", "pass 11", ...
        const m = data.file === undefined && data.nesting === 0 ? /^(\w+) ([\d.]+)$/.exec(String(data.message)) : null;
        if (m) totals.set(m[1], Number(m[2]));
        break;
      }
    }
  }
  const pass = totals.get("pass") ?? passed;
  const failed = (totals.get("fail") ?? failures.length) + (totals.get("cancelled") ?? 0);
  const seconds = ((totals.get("duration_ms") ?? 0) / 1000).toFixed(1);
  yield `${newline()}\nℹ tests ${totals.get("tests") ?? pass + failed} · pass ${pass} · fail ${totals.get("fail") ?? failures.length} · cancelled ${totals.get("cancelled") ?? 0} · skipped ${totals.get("skipped") ?? 0} · todo ${totals.get("todo") ?? 0} · ${seconds} s\n`;
  yield `ℹ what the tests wrote (engine logs): ${LOG}\n`;
  if (failures.length > 0) yield `\nFailing tests:\n\n${failures.join("\n")}\n`;
  yield `${pass} passed, ${failed} failed\n`;
}
