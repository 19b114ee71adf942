/**
 * The SIGKILL recovery harness (test/streaming/recovery/fileStreamCrashCase.ts) with its input
 * directory and its checkpoint directory both on the HDFS minicluster: exact final totals.
 */
import { fileStreamCrashTest } from "../../streaming/recovery/fileStreamCrashCase.js";
import { cluster, hdfsFiles } from "./cluster.js";

// Each batch lists the directory and writes checkpoints over HTTP: a longer batch keeps the grid.
// Known defect, open: in 2 of 5 runs on 2026-12-07 the totals were exact but the grid had a hole
// (batches with no output after a recovery). Until it is found this runs as a todo, so the report
// still shows it.
fileStreamCrashTest(hdfsFiles(), 500, { DSTREAM_TEST_WEBHDFS: cluster().webhdfs }, 600_000, "intermittent: a hole in the batch grid after recovery on HDFS; under investigation");
