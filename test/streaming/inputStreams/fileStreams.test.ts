/** The file stream cases of fileStreamCases.ts, on local directories. */
import { localFiles } from "../../helpers/fileBase.js";
import { fileStreamSuites } from "./fileStreamCases.js";

fileStreamSuites(localFiles());
