/**
 * The HDFS minicluster that `bash scripts/hdfs.sh start` runs: its addresses come from the JSON
 * file the script writes. Every HDFS test fails loudly, naming that command, when it is missing.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { FileSystems } from "../../../src/index.js";
import "../../../src/connectors/hdfs/index.js";
import type { FileBase } from "../../helpers/fileBase.js";

export interface ClusterInfo {
  namenode: string;
  webhdfs: string;
  control: string;
}

const START = "bash scripts/hdfs.sh start";
const infoFile = process.env.HDFS_INFO_FILE ?? join(process.env.DSTREAM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "dstream"), "hdfs-cluster.json");

let info: ClusterInfo | undefined;

/** The cluster's addresses; throws, naming the start command, when no cluster answers. */
export function cluster(): ClusterInfo {
  if (info) return info;
  let parsed: ClusterInfo;
  try {
    parsed = JSON.parse(readFileSync(infoFile, "utf8")) as ClusterInfo;
  } catch {
    throw new Error(`No HDFS minicluster: ${infoFile} is missing. Start one with: ${START}`);
  }
  FileSystems.setConf(hdfsConf(parsed));
  try {
    FileSystems.get(parsed.namenode).getFileStatus(`${parsed.namenode}/`);
  } catch (e) {
    throw new Error(`The HDFS minicluster at ${parsed.webhdfs} does not answer (${(e as Error).message}). Start it with: ${START}`);
  }
  info = parsed;
  return parsed;
}

/** Hadoop settings as a SparkContext takes them. */
export function hdfsConf(c: ClusterInfo = cluster()): Record<string, string> {
  return { "dfs.namenode.http-address": c.webhdfs };
}

export function sparkHdfsConf(): Record<string, string> {
  return { "spark.hadoop.dfs.namenode.http-address": cluster().webhdfs };
}

let counter = 0;
/** A fresh directory on the cluster, unique to this process. */
export function hdfsDir(label = "test"): string {
  // A context stopped earlier may have left another configuration behind.
  FileSystems.setConf(hdfsConf());
  const dir = `${cluster().namenode}/dstream-tests/${label}-${process.pid}-${Date.now()}-${counter++}`;
  FileSystems.get(dir).mkdirs(dir);
  return dir;
}

export function hdfsFiles(): FileBase {
  return { label: "hdfs", conf: sparkHdfsConf(), newDir: () => hdfsDir() };
}

/** Restarts the DataNode through the minicluster's control channel; settles once it is back. */
export async function restartDataNode(): Promise<void> {
  const res = await fetch(`http://${cluster().control}/datanode/restart`, { method: "POST" });
  if (!res.ok) throw new Error(`restarting the DataNode failed: HTTP ${res.status} ${await res.text()}`);
}
