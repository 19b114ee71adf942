/**
 * Jobs and stages are named after the user's lines, as Spark's are ("map at app.ts:8"), also
 * when the engine builds them from a timer or a ManualClock step, with no user frame doing it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ManualClock, Seconds, StreamingContext } from "../../src/index.js";

const FILE = fileURLToPath(import.meta.url);
const SOURCE = readFileSync(FILE, "utf8").split("\n");

/** "op at callSites.test.ts:N", N being the line tagged `// site:<tag>`. */
function site(op: string, tag: string): string {
  const line = SOURCE.findIndex((l) => l.includes(`// site:${tag}`) && !l.includes("SOURCE.findIndex"));
  assert.ok(line >= 0, `no line tagged site:${tag}`);
  return `${op} at ${basename(FILE)}:${line + 1}`;
}

test("streaming jobs and stages carry the user's call sites, not the clock's or dstream's", async () => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ master: "local[2]", appName: "call-sites", batchDuration: Seconds(1), clock });
  const jobs = new Set<string>();
  const stages = new Set<string>();
  ssc.sparkContext.addSparkListener({
    onJobStart: (e) => void jobs.add(e.callSite),
    onStageSubmitted: (e) => void stages.add(e.stageInfo.name),
  });
  try {
    const sc = ssc.sparkContext;
    const input = ssc.queueStream([sc.parallelize([1, 2, 3, 4, 5, 6], 2)]);
    const pairs = input.map((x) => [x % 3, 1] as [number, number]); // site:map
    const counts = pairs.reduceByKey((a, b) => a + b); // site:reduceByKey
    counts.print(); // site:print
    counts.foreachRDD(async (rdd) => {
      await rdd.count(); // site:count
      await rdd.mapValues((v) => v * 2).collect(); // site:collect
    });
    counts.transform((rdd) => rdd.filter(([k]) => k > 0)).foreachRDD(async (rdd) => { // site:transform
      await rdd.keys().collect(); // site:keys
    });
    ssc.start();
    await clock.advance(1000);
    assert.deepEqual([...jobs].sort(), [site("collect", "collect"), site("collect", "keys"), site("count", "count"), site("print", "print")].sort());
    for (const name of [site("map", "map"), site("print", "print"), site("count", "count"), site("collect", "collect")]) {
      assert.ok(stages.has(name), `no stage named ${name} in ${[...stages].join(", ")}`);
    }
    for (const name of [...jobs, ...stages]) assert.doesNotMatch(name, /<unknown>|StreamingContext|JobGenerator|ManualClock/);
  } finally {
    await ssc.stop();
  }
});

test("call sites skip dstream's frames when it is installed under node_modules and runs from dist/", async () => {
  // An installed package, as `npm install` leaves it: compiled JavaScript in node_modules/dstream/dist.
  const { transform } = await import("esbuild");
  const root = mkdtempSync(join(tmpdir(), "dstream-callsite-"));
  try {
    const pkg = join(root, "node_modules", "dstream");
    const srcDir = fileURLToPath(new URL("../../src/", import.meta.url));
    for (const rel of readdirSync(srcDir, { recursive: true, encoding: "utf8" })) {
      if (!rel.endsWith(".ts")) continue;
      const out = join(pkg, "dist", rel.replace(/\.ts$/, ".js"));
      mkdirSync(dirname(out), { recursive: true });
      const { code } = await transform(readFileSync(join(srcDir, rel), "utf8"), { loader: "ts", format: "esm", target: "node20" });
      writeFileSync(out, code);
    }
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "dstream", version: "0.0.0", type: "module", exports: { ".": "./dist/index.js" } }));
    symlinkSync(fileURLToPath(new URL("../../node_modules/", import.meta.url)), join(pkg, "node_modules"), "dir");
    writeFileSync(
      join(root, "app.mjs"),
      [
        'import { SparkContext, StreamingContext, ManualClock, Seconds } from "dstream";',
        "const clock = new ManualClock();",
        'const ssc = new StreamingContext({ master: "local[1]", appName: "installed", batchDuration: Seconds(1), clock });',
        "const names = new Set();",
        "ssc.sparkContext.addSparkListener({ onJobStart: (e) => names.add(e.callSite), onStageSubmitted: (e) => names.add(e.stageInfo.name) });",
        "const input = ssc.queueStream([ssc.sparkContext.parallelize([1, 2, 3], 2)]);",
        "input.map((x) => [x, 1]).reduceByKey((a, b) => a + b).print();",
        "await ssc.sparkContext.parallelize([1, 2]).count();",
        "ssc.start();",
        "await clock.advance(1000);",
        "await ssc.stop();",
        "console.log(JSON.stringify([...names].sort()));",
      ].join("\n"),
    );
    const out = execFileSync(process.execPath, ["app.mjs"], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    const names = JSON.parse(out.trim().split("\n").at(-1)!) as string[];
    assert.deepEqual(names, ["count at app.mjs:8", "map at app.mjs:7", "print at app.mjs:7"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
