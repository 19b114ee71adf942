/** The file stream cases of test/streaming/inputStreams/fileStreamCases.ts, on the HDFS minicluster. */
import { fileStreamSuites } from "../../streaming/inputStreams/fileStreamCases.js";
import { hdfsFiles } from "./cluster.js";

fileStreamSuites(hdfsFiles());
