/** crashDuringRestartCase.ts with local checkpoints: an input whose prepareBatch waits (as Kafka's does) makes the first write the one at start. */
import { localFiles } from "../../helpers/fileBase.js";
import { crashDuringRestartTest } from "./crashDuringRestartCase.js";

crashDuringRestartTest(localFiles(), true);
