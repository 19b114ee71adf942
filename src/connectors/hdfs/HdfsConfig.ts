import { userInfo } from "node:os";
import { IllegalArgumentException } from "../../core/errors.js";
import type { WebHdfsOptions } from "./WebHdfsClient.js";

/** The NameNode's HTTP port when nothing says otherwise (Hadoop 3's dfs.namenode.http-address default). */
export const DEFAULT_WEBHDFS_PORT = 9870;
export const HTTP_ADDRESS_KEY = "dfs.namenode.http-address";

function positiveInt(conf: Readonly<Record<string, string>>, key: string, fallback: number): number {
  const raw = conf[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new IllegalArgumentException(`HDFS: spark.hadoop.${key} must be a positive whole number, got '${raw}'; set it to 1 or more, or leave it unset for ${fallback}`);
  return n;
}

function hostPort(value: string, setting: string): string {
  const m = /^([^:/\s]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) throw new IllegalArgumentException(`HDFS: ${setting} must be host:port (the NameNode's HTTP address, as 127.0.0.1:${DEFAULT_WEBHDFS_PORT}), got '${value}'`);
  return `${m[1]}:${m[2] ?? DEFAULT_WEBHDFS_PORT}`;
}

/**
 * WebHDFS settings for one filesystem authority, from Hadoop's configuration (`spark.hadoop.*`
 * without the prefix):
 * - `webhdfs://host:port/` names the NameNode's HTTP address itself;
 * - `hdfs://host:port/` names its RPC address, which WebHDFS does not speak: the HTTP address is
 *   `dfs.namenode.http-address` (`dfs.namenode.http-address.<host>` first, as for a nameservice),
 *   or the same host on port 9870;
 * - the user is `hadoop.user.name`, else `HADOOP_USER_NAME`, else the operating system's user.
 */
export function webHdfsOptions(scheme: string, authority: string, conf: Readonly<Record<string, string>>): WebHdfsOptions {
  let namenode: string;
  let namenodeSetting: string;
  if (scheme === "webhdfs") {
    if (!authority) throw new IllegalArgumentException(`HDFS: webhdfs:// paths must name the NameNode's HTTP address, as webhdfs://host:${DEFAULT_WEBHDFS_PORT}/path`);
    namenode = hostPort(authority, "a webhdfs:// URL");
    namenodeSetting = `from the webhdfs://${authority} URL`;
  } else {
    const host = authority.replace(/:\d+$/, "");
    const specific = host ? conf[`${HTTP_ADDRESS_KEY}.${host}`] : undefined;
    const key = specific !== undefined ? `${HTTP_ADDRESS_KEY}.${host}` : HTTP_ADDRESS_KEY;
    const configured = specific ?? conf[HTTP_ADDRESS_KEY];
    if (configured !== undefined) {
      namenode = hostPort(configured, `spark.hadoop.${key}`);
      namenodeSetting = `set by spark.hadoop.${key}`;
    } else {
      if (!host) throw new IllegalArgumentException(`HDFS: hdfs:/// paths name no NameNode: write hdfs://host:port/path, or set spark.hadoop.${HTTP_ADDRESS_KEY} to the NameNode's HTTP host:port`);
      namenode = `${host}:${DEFAULT_WEBHDFS_PORT}`;
      namenodeSetting = `the hdfs:// host with WebHDFS's default port, as spark.hadoop.${HTTP_ADDRESS_KEY} is not set`;
    }
  }
  return {
    namenode,
    namenodeSetting,
    user: conf["hadoop.user.name"] ?? process.env.HADOOP_USER_NAME ?? userInfo().username,
    maxAttempts: positiveInt(conf, "dfs.http.client.retry.max.attempts", 10),
    retryBaseMs: positiveInt(conf, "dfs.http.client.failover.sleep.base.millis", 500),
    retryMaxMs: positiveInt(conf, "dfs.http.client.failover.sleep.max.millis", 15_000),
    timeoutMs: positiveInt(conf, "dfs.webhdfs.socket.read-timeout.millis", 60_000),
  };
}
