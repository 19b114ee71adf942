/**
 * `dstream/hdfs`: HDFS paths (`hdfs://namenode:port/...` and `webhdfs://host:httpPort/...`)
 * wherever a local path works: textFile, wholeTextFiles, saveAsTextFile, the file streams,
 * saveAsTextFiles and checkpoints. Importing this module registers both schemes.
 */
import { FileSystems } from "../../core/fs/FileSystems.js";
import { HdfsFileSystem } from "./HdfsFileSystem.js";

for (const scheme of ["hdfs", "webhdfs"]) {
  FileSystems.register({
    scheme,
    // Executor threads import this module when a task carries the scheme, which registers it there too.
    module: import.meta.url,
    create: (authority, conf) => new HdfsFileSystem(scheme, authority, conf),
  });
}

export { HdfsFileSystem } from "./HdfsFileSystem.js";
export { WebHdfsClient, type WebHdfsOptions, type HdfsFileStatus, type RetryEvent } from "./WebHdfsClient.js";
export { webHdfsOptions, DEFAULT_WEBHDFS_PORT } from "./HdfsConfig.js";
export { HdfsException, HdfsConnectionException } from "./errors.js";
