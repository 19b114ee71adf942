/**
 * The SIGKILL harness of test/streaming/recovery/receiverWalCrashCase.ts with the checkpoint
 * directory, and so the receivers' write-ahead log, on the HDFS minicluster: no acknowledged
 * record is lost, and every batch of the grid has exactly one output.
 */
import { receiverWalCrashTest } from "../../streaming/recovery/receiverWalCrashCase.js";
import { cluster, hdfsFiles } from "./cluster.js";

// Every block is a WebHDFS APPEND and every batch writes checkpoints over HTTP: a longer batch keeps the grid.
receiverWalCrashTest(hdfsFiles(), 500, { DSTREAM_TEST_WEBHDFS: cluster().webhdfs }, 600_000);
