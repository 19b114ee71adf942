import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { FileSystems, SparkContext } from "../../../src/index.js";
import { HdfsConnectionException, HdfsFileSystem, type RetryEvent } from "../../../src/connectors/hdfs/index.js";
import { cluster, hdfsDir, restartDataNode, sparkHdfsConf } from "./cluster.js";
import { names, readText } from "../../helpers/fileBase.js";

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
