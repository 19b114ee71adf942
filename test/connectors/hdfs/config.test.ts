/**
 * HDFS settings: simple authentication's user reaches the NameNode (files it creates are owned by
 * it), and a bad setting or URL is refused naming HDFS, the setting, the value and the fix.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { HdfsFileSystem, webHdfsOptions } from "../../../src/connectors/hdfs/index.js";
import { IllegalArgumentException } from "../../../src/core/errors.js";
import { cluster, hdfsDir } from "./cluster.js";

/** The owner the NameNode recorded for a path, read over plain WebHDFS. */
async function ownerOf(path: string): Promise<string> {
  const res = await fetch(`http://${cluster().webhdfs}/webhdfs/v1${new URL(path).pathname}?op=GETFILESTATUS`);
  const body = (await res.json()) as { FileStatus: { owner: string } };
  return body.FileStatus.owner;
}

describe("HDFS settings", () => {
  it("files are created as spark.hadoop.hadoop.user.name, else as HADOOP_USER_NAME", async () => {
    const dir = hdfsDir("user");
    const authority = new URL(cluster().namenode).host;
    const confUser = `conf-${randomBytes(3).toString("hex")}`;
    const envUser = `env-${randomBytes(3).toString("hex")}`;
    const saved = process.env.HADOOP_USER_NAME;
    process.env.HADOOP_USER_NAME = envUser;
    try {
      const http = { "dfs.namenode.http-address": cluster().webhdfs };
      new HdfsFileSystem("hdfs", authority, { ...http, "hadoop.user.name": confUser }).create(`${dir}/a`, Buffer.from("a"), true);
      new HdfsFileSystem("hdfs", authority, http).create(`${dir}/b`, Buffer.from("b"), true);
    } finally {
      if (saved === undefined) delete process.env.HADOOP_USER_NAME;
      else process.env.HADOOP_USER_NAME = saved;
    }
    assert.equal(await ownerOf(`${dir}/a`), confUser);
    assert.equal(await ownerOf(`${dir}/b`), envUser);
  });

  it("a bad address, URL or number is refused naming HDFS, the setting, the value and the fix", () => {
    const refused = (conf: Record<string, string>, scheme: string, authority: string, ...parts: string[]) =>
      assert.throws(
        () => webHdfsOptions(scheme, authority, conf),
        (e: Error) => e instanceof IllegalArgumentException && e.message.startsWith("HDFS: ") && parts.every((p) => e.message.includes(p)),
      );
    refused({ "dfs.namenode.http-address": "http://nn:9870" }, "hdfs", "nn:8020", "spark.hadoop.dfs.namenode.http-address", "'http://nn:9870'", "host:port");
    refused({ "dfs.namenode.http-address.nn": "nn:port" }, "hdfs", "nn:8020", "spark.hadoop.dfs.namenode.http-address.nn", "'nn:port'");
    refused({}, "hdfs", "", "hdfs:///", "hdfs://host:port/path", "spark.hadoop.dfs.namenode.http-address");
    refused({}, "webhdfs", "", "webhdfs://host:9870/path");
    refused({}, "webhdfs", "nn:http", "webhdfs:// URL", "'nn:http'");
    refused({ "dfs.http.client.retry.max.attempts": "0" }, "hdfs", "nn:8020", "spark.hadoop.dfs.http.client.retry.max.attempts", "'0'", "1 or more");
    refused({ "dfs.webhdfs.socket.read-timeout.millis": "1.5" }, "hdfs", "nn:8020", "read-timeout.millis", "'1.5'");
    // The good forms, for contrast: the settings above fail for their value, not their shape.
    assert.equal(webHdfsOptions("hdfs", "nn:8020", { "dfs.namenode.http-address.nn": "other:50070" }).namenode, "other:50070");
    assert.equal(webHdfsOptions("hdfs", "nn:8020", {}).namenode, "nn:9870");
  });
});
