/**
 * The SIGKILL harness of test/streaming/recovery/receiverWalCrashCase.ts with the checkpoint
 * directory, and so the receivers' write-ahead log, on the HDFS minicluster: no acknowledged
 * record is lost, and every batch of the grid has exactly one output.
 */
import { receiverWalCrashTest } from "../../streaming/recovery/receiverWalCrashCase.js";
import { cluster, hdfsFiles } from "./cluster.js";

// Every block is a WebHDFS APPEND and every batch writes checkpoints over HTTP, each blocking the
// driver: on a loaded machine 500 ms batches fell minutes behind their clock, 1 s batches keep up.
receiverWalCrashTest(hdfsFiles(), 1000, { DSTREAM_TEST_WEBHDFS: cluster().webhdfs }, 900_000);
