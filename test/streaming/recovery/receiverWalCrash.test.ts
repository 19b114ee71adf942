/** The SIGKILL harness of receiverWalCrashCase.ts with a local checkpoint directory. */
import { localFiles } from "../../helpers/fileBase.js";
import { receiverWalCrashTest } from "./receiverWalCrashCase.js";

receiverWalCrashTest(localFiles(), 200);
