import type { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../../streaming/StreamingContext.js";
import { ReceiverInputDStream } from "../../streaming/dstream/ReceiverInputDStream.js";
import { FlumePollingReceiver, type FlumeAddress } from "./FlumePollingReceiver.js";
import type { SparkFlumeEvent } from "./SparkFlumeEvent.js";

/** The stream behind `FlumeUtils.createPollingStream` (Spark's FlumePollingInputDStream). */
export class FlumePollingInputDStream extends ReceiverInputDStream<SparkFlumeEvent> {
  constructor(
    ssc: StreamingContext,
    readonly addresses: readonly FlumeAddress[],
    private readonly level: StorageLevel,
    readonly maxBatchSize: number,
    readonly parallelism: number,
  ) {
    super(ssc);
  }

  getReceiver(): FlumePollingReceiver {
    return new FlumePollingReceiver(this.addresses, this.level, this.maxBatchSize, this.parallelism);
  }
}
