/** The SIGKILL harness of fileStreamCrashCase.ts with local input and checkpoint directories. */
import { localFiles } from "../../helpers/fileBase.js";
import { fileStreamCrashTest } from "./fileStreamCrashCase.js";

fileStreamCrashTest(localFiles(), 200);
