import type { StreamingContext } from "../StreamingContext.js";
import type { Receiver } from "../receiver/Receiver.js";
import { ReceiverInputDStream } from "./ReceiverInputDStream.js";

/** The stream behind `ssc.receiverStream(receiver)`: a user's own Receiver. */
export class PluggableInputDStream<T> extends ReceiverInputDStream<T> {
  constructor(
    ssc: StreamingContext,
    private readonly receiver: Receiver<T>,
  ) {
    super(ssc);
  }

  getReceiver(): Receiver<T> {
    return this.receiver;
  }
}
