import type { StreamingContext } from "../../src/index.js";

/** Starts `ssc` and runs it until killed, or for `seconds` and then stops it gracefully (the examples' --seconds). */
export async function runExample(ssc: StreamingContext, seconds: string | undefined): Promise<void> {
  ssc.start();
  if (seconds === undefined) {
    await ssc.awaitTermination();
  } else {
    await ssc.awaitTerminationOrTimeout(Number(seconds) * 1000);
    await ssc.stop({ stopGracefully: true });
  }
}
