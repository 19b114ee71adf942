/**
 * The SIGKILL recovery harness (test/streaming/recovery/fileStreamCrashCase.ts) with its input
 * directory and its checkpoint directory both on the HDFS minicluster: exact final totals, and
 * every batch of the grid exactly once. (A kill during recovery, after its first checkpoint
 * write, used to lose the batches not yet regenerated: crashDuringRestart.test.ts pins that.)
 */
import { fileStreamCrashTest } from "../../streaming/recovery/fileStreamCrashCase.js";
import { cluster, hdfsFiles } from "./cluster.js";

// Each batch lists the directory and writes checkpoints over HTTP: a longer batch keeps the grid.
fileStreamCrashTest(hdfsFiles(), 500, { DSTREAM_TEST_WEBHDFS: cluster().webhdfs }, 600_000);
