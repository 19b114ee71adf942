/** The RDD file cases of test/core/creation.test.ts, against the HDFS minicluster. */
import { textFileSuites } from "../../helpers/textFileCases.js";
import { hdfsFiles } from "./cluster.js";

textFileSuites(hdfsFiles());
