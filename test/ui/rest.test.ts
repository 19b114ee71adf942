import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { SparkContext, SparkUI } from "../../src/index.js";
import { getJson, startApp, type TestApp } from "./support.js";

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}GMT$/;

async function withApp(opts: Parameters<typeof startApp>[0], body: (app: TestApp) => Promise<void>): Promise<void> {
  const app = await startApp(opts);
  try {
    await body(app);
  } finally {
    await app.stop();
  }
}

async function status(url: string): Promise<{ code: number; text: string }> {
  const res = await fetch(url);
  return { code: res.status, text: await res.text() };
}

test("applications lists the running app with Spark's fields", async () => {
  await withApp({}, async (app) => {
    const apps = await getJson<Array<Record<string, unknown>>>(`${app.url}/api/v1/applications`);
    assert.equal(apps.length, 1);
    const a = apps[0]!;
    assert.equal(a.id, app.appId);
    assert.equal(a.name, "ui-test");
    const [attempt] = a.attempts as Array<Record<string, unknown>>;
    assert.match(attempt!.startTime as string, DATE);
    assert.equal(attempt!.endTime, "1969-12-31T23:59:59.999GMT");
    assert.equal(attempt!.completed, false);
    assert.equal(attempt!.startTimeEpoch, app.ssc.sparkContext.startTime);
    assert.equal(typeof attempt!.sparkUser, "string");
    const single = await getJson<Record<string, unknown>>(app.api);
    assert.equal(single.id, app.appId);
    assert.equal(single.name, "ui-test");
    assert.equal((single.attempts as unknown[]).length, 1);
    assert.equal(app.ssc.sparkContext.uiWebUrl, app.url);
    const unknown = await status(`${app.url}/api/v1/applications/app-nope/jobs`);
    assert.equal(unknown.code, 404);
    assert.equal(unknown.text.trim(), "unknown app: app-nope");
  });
});

test("streaming statistics, batches and output operations follow the batches a ManualClock runs", async () => {
  await withApp({ counts: [3, 5, 2] }, async (app) => {
    app.failAt.add(2000);
    await app.clock.advance(1000);
    await app.clock.advance(1000);
    await app.clock.advance(1000);

    const stats = await getJson<Record<string, unknown>>(`${app.api}/streaming/statistics`);
    assert.match(stats.startTime as string, DATE);
    assert.equal(stats.batchDuration, 1000);
    assert.equal(stats.numTotalCompletedBatches, 3);
    assert.equal(stats.numRetainedCompletedBatches, 3);
    assert.equal(stats.numActiveBatches, 0);
    assert.equal(stats.numProcessedRecords, 10);
    assert.equal(stats.numReceivedRecords, 10);
    assert.equal(stats.avgInputRate, 10 / 3);
    for (const k of ["avgSchedulingDelay", "avgProcessingTime", "avgTotalDelay"]) assert.equal(Number.isInteger(stats[k]), true, k);

    const batches = await getJson<Array<Record<string, unknown>>>(`${app.api}/streaming/batches`);
    assert.deepEqual(
      batches.map((b) => [b.batchId, b.status, b.inputSize, b.numTotalOutputOps, b.numCompletedOutputOps, b.numFailedOutputOps]),
      [
        [3000, "COMPLETED", 2, 2, 2, 0],
        [2000, "COMPLETED", 5, 2, 1, 1],
        [1000, "COMPLETED", 3, 2, 2, 0],
      ],
    );
    const b1 = batches[2]!;
    assert.equal(b1.batchTime, "1970-01-01T00:00:01.000GMT");
    assert.equal(b1.batchDuration, 1000);
    assert.equal(b1.totalDelay, (b1.schedulingDelay as number) + (b1.processingTime as number));
    assert.equal(b1.firstFailureReason, undefined);
    assert.match(batches[1]!.firstFailureReason as string, /planned failure at 2000/);
    assert.deepEqual(await getJson(`${app.api}/streaming/batches?status=QUEUED`), []);
    assert.equal((await getJson<unknown[]>(`${app.api}/streaming/batches?status=COMPLETED`)).length, 3);

    const one = await getJson<Record<string, unknown>>(`${app.api}/streaming/batches/2000`);
    assert.equal(one.batchId, 2000);
    const ops = one.outputOperations as Array<Record<string, unknown>>;
    assert.deepEqual(ops.map((o) => [o.outputOpId, o.name]), [
      [0, "foreachRDD"],
      [1, "foreachRDD"],
    ]);
    assert.match(ops[0]!.description as string, /^foreachRDD at .*support\.ts:\d+/);
    assert.equal(ops[0]!.failureReason, undefined);
    assert.match(ops[1]!.failureReason as string, /planned failure at 2000/);
    for (const o of ops) {
      assert.match(o.startTime as string, DATE);
      assert.match(o.endTime as string, DATE);
      assert.equal(typeof o.duration, "number");
      assert.ok((o.jobIds as number[]).length >= 1, "each operation ran a Spark job");
    }
    assert.deepEqual(await getJson(`${app.api}/streaming/batches/2000/operations`), ops);
    assert.deepEqual(await getJson(`${app.api}/streaming/batches/2000/operations/1`), ops[1]);

    // The jobs an output operation ran are the app's jobs, described as Spark describes streaming jobs.
    const jobId = (ops[0]!.jobIds as number[])[0]!;
    const job = await getJson<Record<string, unknown>>(`${app.api}/jobs/${jobId}`);
    assert.equal(job.jobId, jobId);
    assert.equal(job.status, "SUCCEEDED");
    // Spark's JobScheduler: an HTML link to the batch, its time as HH:mm:ss in the server's zone (1 s batches).
    const hms = [new Date(2000).getHours(), new Date(2000).getMinutes(), new Date(2000).getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
    assert.equal(job.description, `Streaming job from <a href="/streaming/batch/?id=2000">[output operation 0, batch time ${hms}]</a>`);
    const jobsPage = await status(`${app.url}/jobs/`);
    assert.ok(jobsPage.text.includes(`Streaming job from <a href="/streaming/batch/?id=2000">[output operation 0, batch time ${hms}]</a>`), "the Jobs page describes it the same way");
    assert.match(job.name as string, /^count at /);

    for (const [path, message] of [
      ["streaming/batches/5000", "unknown batch: 5000"],
      ["streaming/batches/2000/operations/7", "unknown output operation: 7"],
      ["streaming/receivers/9", "unknown receiver: 9"],
      ["jobs/99999", "unknown job: 99999"],
      ["stages/99999", "unknown stage: 99999"],
    ]) {
      const r = await status(`${app.api}/${path}`);
      assert.equal(r.code, 404, path);
      assert.equal(r.text.trim(), message);
    }
    const bad = await status(`${app.api}/streaming/batches/abc`);
    assert.equal(bad.code, 400);
    assert.match(bad.text, /batchId must be a non-negative integer/);
    const badStatus = await status(`${app.api}/streaming/batches?status=DONE`);
    assert.equal(badStatus.code, 400);
    assert.match(badStatus.text, /unknown status: DONE\. Use one of completed, queued, processing/);
  });
});

test("receivers lists every input stream, with the receiver's status, last error and event rates", async () => {
  await withApp({ counts: [1] }, async (app) => {
    await app.receiver.store(["a", "b", "c", "d"]);
    await app.clock.advance(1000);
    app.receiver.reportError("connection reset", new Error("ECONNRESET"));
    await app.clock.advance(1000);

    const receivers = await getJson<Array<Record<string, unknown>>>(`${app.api}/streaming/receivers`);
    assert.deepEqual(
      receivers.map((r) => r.streamId),
      [0, 1],
    );
    const [counting, rec] = receivers as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(counting.streamName, "counting input stream [0]");
    assert.equal(counting.isActive, undefined, "a stream without a receiver has no receiver status");
    assert.deepEqual(counting.eventRates, [
      [1000, 1],
      [2000, 1],
    ]);
    assert.equal(counting.avgEventRate, 1);

    assert.equal(rec.streamId, 1);
    assert.equal(rec.isActive, true);
    assert.equal(rec.executorId, "driver");
    assert.equal(rec.executorHost, "localhost");
    assert.equal(rec.lastErrorMessage, "connection reset");
    assert.match(rec.lastError as string, /ECONNRESET/);
    assert.match(rec.lastErrorTime as string, DATE);
    assert.deepEqual(rec.eventRates, [
      [1000, 4],
      [2000, 0],
    ]);
    assert.equal(rec.avgEventRate, 2);
    assert.deepEqual(await getJson(`${app.api}/streaming/receivers/1`), rec);

    const stats = await getJson<Record<string, unknown>>(`${app.api}/streaming/statistics`);
    assert.equal(stats.numReceivers, 1);
    assert.equal(stats.numActiveReceivers, 1);
    assert.equal(stats.numInactiveReceivers, 0);
  });
});

test("jobs and stages report tasks, shuffle read and write, and status filters", async () => {
  await withApp({ counts: [30], master: "local[2]" }, async (app) => {
    await app.clock.advance(1000);
    const jobs = await getJson<Array<Record<string, unknown>>>(`${app.api}/jobs`);
    assert.ok(jobs.length >= 2);
    assert.deepEqual(
      jobs.map((j) => j.jobId),
      [...jobs.map((j) => j.jobId as number)].sort((a, b) => b - a),
      "newest first",
    );
    for (const j of jobs) {
      assert.equal(j.status, "SUCCEEDED");
      assert.equal(j.numActiveTasks, 0);
      assert.equal(j.numFailedTasks, 0);
      assert.equal(j.numCompletedTasks, j.numTasks);
      assert.match(j.submissionTime as string, DATE);
      assert.match(j.completionTime as string, DATE);
    }
    assert.deepEqual(await getJson(`${app.api}/jobs?status=running`), []);
    assert.equal((await getJson<unknown[]>(`${app.api}/jobs?status=succeeded`)).length, jobs.length);

    const stages = await getJson<Array<Record<string, unknown>>>(`${app.api}/stages`);
    assert.ok(stages.every((s) => s.status === "COMPLETE" && s.tasks === undefined));
    // reduceByKey: a map stage writes the shuffle and the count stage reads back its 3 keys from each of 2 map tasks.
    const write = stages.find((s) => (s.shuffleWriteRecords as number) > 0)!;
    const read = stages.find((s) => (s.shuffleReadRecords as number) > 0)!;
    assert.ok(write && read, "one stage writes shuffle output and one reads it");
    assert.equal(read.shuffleReadRecords, 6);
    assert.ok((write.shuffleWriteBytes as number) > 0 && read.shuffleReadBytes === write.shuffleWriteBytes, "bytes read are the bytes written");
    assert.equal(write.numCompleteTasks, write.numTasks);

    const [detail] = await getJson<Array<Record<string, unknown>>>(`${app.api}/stages/${read.stageId as number}`);
    const tasks = Object.values(detail!.tasks as Record<string, Record<string, unknown>>);
    assert.equal(tasks.length, read.numTasks);
    for (const t of tasks) {
      assert.equal(t.status, "SUCCESS");
      assert.match(t.launchTime as string, DATE);
      assert.equal(typeof t.duration, "number");
      const metrics = t.taskMetrics as { shuffleReadMetrics: { recordsRead: number }; executorRunTime: number };
      assert.equal(typeof metrics.executorRunTime, "number");
    }
    assert.equal(
      tasks.reduce((n, t) => n + (t.taskMetrics as { shuffleReadMetrics: { recordsRead: number } }).shuffleReadMetrics.recordsRead, 0),
      read.shuffleReadRecords,
    );
    assert.deepEqual(await getJson(`${app.api}/stages/${read.stageId as number}/0`), detail);
    const list = await getJson<unknown[]>(`${app.api}/stages/${read.stageId as number}/0/taskList?offset=0&length=1`);
    assert.equal(list.length, 1);
    const noAttempt = await status(`${app.api}/stages/${read.stageId as number}/3`);
    assert.equal(noAttempt.code, 404);
    assert.match(noAttempt.text, /unknown attempt for stage \d+\. {2}Found attempts: \[0\]/);
  });
});

test("environment lists the configuration with secrets redacted, and the Node runtime", async () => {
  await withApp({}, async (app) => {
    const env = await getJson<{ runtime: Record<string, string>; sparkProperties: Array<[string, string]>; systemProperties: Array<[string, string]> }>(
      `${app.api}/environment`,
    );
    assert.equal(env.runtime.nodeVersion, process.version);
    const props = new Map(env.sparkProperties);
    assert.equal(props.get("spark.app.name"), "ui-test");
    assert.equal(props.get("spark.master"), "local[1]");
    assert.equal(props.get("spark.app.secret.token"), "*********(redacted)");
    assert.ok(env.systemProperties.some(([k]) => k === "process.pid"));
  });
});

test("environment redacts secrets in the command line as spark.redaction.regex says, in REST and HTML", async () => {
  const args = ["--db-password=xyz", "--token", "abc123", "-Dspark.my.secret=s3", "--url=http://h/?access.key=k", "--name=plain", "--accessKey=AK"];
  process.argv.push(...args);
  try {
    await withApp({}, async (app) => {
      const env = await getJson<{ systemProperties: Array<[string, string]> }>(`${app.api}/environment`);
      const argv = new Map(env.systemProperties).get("process.argv")!;
      const R = "*********(redacted)";
      assert.ok(argv.endsWith(["--db-password=" + R, "--token", R, "-Dspark.my.secret=" + R, "--url=" + R, "--name=plain", "--accessKey=" + R].join(" ")), argv);
      const page = await (await fetch(`${app.url}/environment/`)).text();
      for (const secret of ["xyz", "abc123", "s3", "k", "AK"]) assert.ok(!page.includes(`=${secret}<`) && !page.includes(` ${secret} `) && !page.includes(`=${secret} `), secret);
      assert.ok(page.includes("--db-password=*********(redacted)"));
      assert.ok(page.includes("--name=plain"));
    });
    await withApp({ conf: { "spark.redaction.regex": "(?i)name" } }, async (app) => {
      const env = await getJson<{ systemProperties: Array<[string, string]> }>(`${app.api}/environment`);
      const argv = new Map(env.systemProperties).get("process.argv")!;
      assert.ok(argv.includes("--name=*********(redacted)") && argv.includes("--db-password=xyz"), argv);
    });
  } finally {
    process.argv.splice(process.argv.length - args.length, args.length);
  }
});

test("completed batches are kept up to spark.streaming.ui.retainedBatches; totals count them all", async () => {
  await withApp({ counts: [1], conf: { "spark.streaming.ui.retainedBatches": "2" } }, async (app) => {
    for (let i = 0; i < 5; i++) await app.clock.advance(1000);
    const batches = await getJson<Array<{ batchId: number }>>(`${app.api}/streaming/batches`);
    assert.deepEqual(
      batches.map((b) => b.batchId),
      [5000, 4000],
    );
    const stats = await getJson<Record<string, number>>(`${app.api}/streaming/statistics`);
    assert.equal(stats.numTotalCompletedBatches, 5);
    assert.equal(stats.numRetainedCompletedBatches, 2);
    assert.equal(stats.numProcessedRecords, 5);
  });
});

test("the pages render at Spark's paths, and / goes to the Streaming tab", async () => {
  await withApp({}, async (app) => {
    await app.clock.advance(1000);
    const root = await fetch(`${app.url}/`, { redirect: "manual" });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get("location"), "/streaming/");
    const jobId = (await getJson<Array<{ jobId: number }>>(`${app.api}/jobs`))[0]!.jobId;
    const stageId = (await getJson<Array<{ stageId: number }>>(`${app.api}/stages`))[0]!.stageId;
    const pages: Array<[string, RegExp]> = [
      ["/streaming/", /Running batches of/],
      ["/streaming/batch/?id=1000", /Details of batch at/],
      ["/jobs/", /Completed Jobs/],
      [`/jobs/job/?id=${jobId}`, new RegExp(`Details for Job ${jobId}`)],
      ["/stages/", /Completed Stages/],
      [`/stages/stage/?id=${stageId}&attempt=0`, new RegExp(`Details for Stage ${stageId}`)],
      ["/environment/", /Spark Properties/],
    ];
    for (const [path, expect] of pages) {
      const r = await fetch(`${app.url}${path}`);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get("content-type") ?? "", /^text\/html/);
      const body = await r.text();
      assert.match(body, expect, path);
      assert.match(body, /<title>ui-test - /);
    }
    // A live page re-fetches only its main content.
    const fragment = await (await fetch(`${app.url}/jobs/`, { headers: { "X-Dstream-Fragment": "main" } })).text();
    assert.doesNotMatch(fragment, /<html/);
    assert.match(fragment, /Completed Jobs/);
    assert.equal((await status(`${app.url}/streaming/batch/?id=9000`)).code, 404);
    assert.equal((await status(`${app.url}/no/such/page`)).code, 404);
    // uPlot is served from the package, not from the internet.
    const uplot = await fetch(`${app.url}/static/vendor/uPlot.iife.min.js`);
    assert.equal(uplot.status, 200);
    assert.match(await uplot.text(), /uPlot/);
    assert.equal((await fetch(`${app.url}/static/vendor/uPlot.min.css`)).status, 200);
    assert.equal((await fetch(`${app.url}/static/..%2Fpages%2Fhtml.ts`)).status, 404);
  });
});

test("a plain SparkContext serves the UI too, without streaming endpoints, and stopping it closes the port", async () => {
  const sc = new SparkContext({ master: "local[1]", appName: "plain", conf: { "spark.ui.enabled": "true", "spark.ui.port": "0" } });
  let url: string;
  try {
    url = await SparkUI.get(sc)!.whenBound();
    assert.equal(await sc.parallelize([1, 2, 3], 3).count(), 3);
    const jobs = await getJson<Array<{ numTasks: number; status: string }>>(`${url}/api/v1/applications/${sc.applicationId}/jobs`);
    assert.deepEqual(
      jobs.map((j) => [j.numTasks, j.status]),
      [[3, "SUCCEEDED"]],
    );
    const r = await status(`${url}/api/v1/applications/${sc.applicationId}/streaming/statistics`);
    assert.equal(r.code, 404);
    assert.equal(r.text.trim(), "no streaming listener attached to plain");
    const root = await fetch(`${url}/`, { redirect: "manual" });
    assert.equal(root.headers.get("location"), "/jobs/");
  } finally {
    await sc.stop();
  }
  await assert.rejects(fetch(`${url}/api/v1/applications`));
  assert.equal(SparkUI.get(sc), undefined);
});

test("spark.ui.enabled=false starts no server", async () => {
  const sc = new SparkContext({ master: "local[1]", appName: "headless", conf: { "spark.ui.enabled": "false" } });
  try {
    assert.equal(SparkUI.get(sc), undefined);
    assert.equal(sc.uiWebUrl, undefined);
  } finally {
    await sc.stop();
  }
});

test("a taken spark.ui.port moves the UI to the next free port", async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const taken = (blocker.address() as { port: number }).port;
  const sc = new SparkContext({ master: "local[1]", appName: "ports", conf: { "spark.ui.enabled": "true", "spark.ui.port": String(taken) } });
  try {
    const url = await SparkUI.get(sc)!.whenBound();
    const port = Number(new URL(url).port);
    assert.ok(port > taken && port <= taken + 16, `bound ${port}, after the taken ${taken}`);
    assert.equal(new URL(url).hostname, "127.0.0.1");
  } finally {
    await sc.stop();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

test("spark.port.maxRetries=0 and a taken port: the application runs on, and whenBound rejects with the remedy", async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const taken = (blocker.address() as { port: number }).port;
  const sc = new SparkContext({
    master: "local[1]",
    appName: "no-port",
    conf: { "spark.ui.enabled": "true", "spark.ui.port": String(taken), "spark.port.maxRetries": "0" },
  });
  try {
    await assert.rejects(SparkUI.get(sc)!.whenBound(), /Could not bind the web UI to 127\.0\.0\.1 on port \d+.*Set spark\.ui\.port to a free port/);
    assert.equal(await sc.parallelize([1, 2], 2).count(), 2);
  } finally {
    await sc.stop();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});
