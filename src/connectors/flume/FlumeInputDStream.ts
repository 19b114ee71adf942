import type { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { FlumeReceiver } from "./FlumeReceiver.js";
import type { SparkFlumeEvent } from "./SparkFlumeEvent.js";

/** The stream behind `FlumeUtils.createStream` (Spark's FlumeInputDStream). */
export class FlumeInputDStream extends ReceiverInputDStream<SparkFlumeEvent> {
  constructor(
    ssc: StreamingContext,
    readonly host: string,
    readonly port: number,
    private readonly level: StorageLevel,
    readonly enableDecompression: boolean,
  ) {
    super(ssc);
  }

  getReceiver(): FlumeReceiver {
    return new FlumeReceiver(this.host, this.port, this.level, this.enableDecompression);
  }
}
