import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { FileSystems, ManualClock, Milliseconds, SparkContext, StreamingContext } from "../../../src/index.js";
import { HdfsConnectionException, HdfsFileSystem, type RetryEvent } from "../../../src/connectors/hdfs/index.js";
import { cluster, hdfsDir, restartDataNode, sparkHdfsConf } from "./cluster.js";
import { exists, names, readText } from "../../helpers/fileBase.js";
import { TestInputStream } from "../../streaming/harness.js";

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("WebHDFS against the minicluster", () => {
  it("saveAsTextFile writes part files and _SUCCESS that textFile reads back", async () => {
    const out = `${hdfsDir("save")}/out`;
    const sc = new SparkContext({ master: "local[2]", appName: "save", conf: sparkHdfsConf() });
    try {
      await sc.parallelize([["a", 1], ["b", 2], ["c", 3]], 3).saveAsTextFile(out);
      assert.deepEqual(names(out), ["_SUCCESS", "part-00000", "part-00001", "part-00002"]);
      assert.equal(readText(`${out}/part-00001`), "(b,2)\n");
      assert.deepEqual(await sc.textFile(out).collect(), ["(a,1)", "(b,2)", "(c,3)"]);
      await assert.rejects(sc.parallelize([1]).saveAsTextFile(out), (e: Error) => e.message.startsWith(`Output directory ${out} already exists`));
    } finally {
      await sc.stop();
    }
  });

  it("a saveAsTextFile whose task fails leaves no part file of that task under its final name, and no _SUCCESS", async () => {
    const out = `${hdfsDir("save-fails")}/out`;
    const sc = new SparkContext({ master: "local[1]", appName: "save-fails", conf: sparkHdfsConf() });
    try {
      const rdd = sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => {
        if (x === 4) throw new Error("task 1 fails after its first record");
        return `line ${x}`;
      });
      await assert.rejects(rdd.saveAsTextFile(out), /task 1 fails after its first record/);
      assert.ok(!exists(`${out}/_SUCCESS`), "no _SUCCESS after a failed job");
      assert.ok(!exists(`${out}/part-00001`), "the failed task's part file never got its final name");
      // What did get its final name is whole.
      if (exists(`${out}/part-00000`)) assert.equal(readText(`${out}/part-00000`), "line 1\nline 2\n");
    } finally {
      await sc.stop();
    }
  });

  it("DStream saveAsTextFiles writes prefix-<ms>[.suffix] directories on HDFS", async () => {
    const dir = hdfsDir("save-files");
    const clock = new ManualClock();
    const ssc = new StreamingContext({ master: "local[2]", appName: "save-files", batchDuration: Milliseconds(1000), clock, conf: { ...sparkHdfsConf(), "spark.ui.enabled": "false" } });
    try {
      const input = new TestInputStream(ssc, [[["a", 1]], [["b", 2]]] as Array<Array<[string, number]>>);
      input.saveAsTextFiles(`${dir}/out`, "txt");
      input.saveAsTextFiles(`${dir}/plain`);
      ssc.start();
      await clock.advance(2000);
    } finally {
      await ssc.stop();
    }
    assert.deepEqual(names(dir), ["out-1000.txt", "out-2000.txt", "plain-1000", "plain-2000"]);
    const text = (d: string) => names(`${dir}/${d}`).filter((f) => f.startsWith("part-")).map((f) => readText(`${dir}/${d}/${f}`)).join("");
    assert.equal(text("out-1000.txt"), "(a,1)\n");
    assert.equal(text("plain-2000"), "(b,2)\n");
    assert.deepEqual(names(`${dir}/plain-2000`).filter((f) => !f.startsWith("part-")), ["_SUCCESS"]);
  });

  it("a wrong NameNode address is an error naming the address and the setting", async () => {
    const port = await closedPort();
    const sc = new SparkContext({ master: "local[1]", appName: "wrong", conf: { "spark.hadoop.dfs.namenode.http-address": `127.0.0.1:${port}` } });
    try {
      assert.throws(
        () => sc.textFile(`hdfs://127.0.0.1:8020/anything`),
        (e: Error) =>
          e instanceof HdfsConnectionException &&
          e.message.includes(`cannot reach the NameNode at http://127.0.0.1:${port}`) &&
          e.message.includes("spark.hadoop.dfs.namenode.http-address"),
      );
    } finally {
      await sc.stop();
    }
    // The webhdfs:// form names its own address.
    const fs = new HdfsFileSystem("webhdfs", `127.0.0.1:${port}`, {});
    assert.throws(() => fs.getFileStatus(`webhdfs://127.0.0.1:${port}/x`), (e: Error) => e.message.includes(`from the webhdfs://127.0.0.1:${port} URL`));
    // A path on a scheme nobody registered says what to import.
    assert.throws(() => FileSystems.get("s3a://bucket/x", "textFile"), /No FileSystem for scheme "s3a"/);
  });

  it("a DataNode restart in the middle of a read resumes where it broke off, losing nothing", async () => {
    const path = `${hdfsDir("restart")}/big.bin`;
    // 48 MiB across 48 one-MiB blocks: far more than socket buffers hold, so the restart cuts the transfer.
    const data = randomBytes(48 * 1024 * 1024);
    const fs = FileSystems.get(path) as HdfsFileSystem;
    fs.create(path, data, true);
    const retries: RetryEvent[] = [];
    fs.client.onRetry = (e) => retries.push(e);
    let restarted: Promise<void> | undefined;
    try {
      const got = await fs.client.readAsync(new URL(path).pathname, 0, data.length, (received) => {
        // Hold the first response after its first chunk until the DataNode has been restarted.
        if (!restarted && received > 0) return (restarted = restartDataNode());
        return undefined;
      });
      assert.ok(restarted, "the read never started");
      assert.equal(got.length, data.length);
      assert.equal(createHash("sha256").update(got).digest("hex"), createHash("sha256").update(data).digest("hex"));
      assert.ok(retries.length >= 1, "the restart did not interrupt the read, so nothing was resumed");
      assert.ok(retries.some((r) => (r.resumeAt ?? 0) > 0), `no retry resumed past the start: ${JSON.stringify(retries)}`);
    } finally {
      fs.client.onRetry = undefined;
    }
    assert.ok(cluster().control);
  });
});
