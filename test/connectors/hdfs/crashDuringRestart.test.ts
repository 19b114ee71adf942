/**
 * crashDuringRestartCase.ts with the checkpoint directory on the HDFS minicluster, where a
 * checkpoint write returns once the file is renamed into place: the first one a recovering
 * context writes is on HDFS before the next batch is regenerated (the grid hole the SIGKILL test
 * in recovery.test.ts met).
 */
import { crashDuringRestartTest } from "../../streaming/recovery/crashDuringRestartCase.js";
import { hdfsFiles } from "./cluster.js";

crashDuringRestartTest(hdfsFiles(), false);
crashDuringRestartTest(hdfsFiles(), true);
