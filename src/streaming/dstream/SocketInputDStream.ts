import type { StorageLevel } from "../../core/storage/StorageLevel.js";
import type { StreamingContext } from "../StreamingContext.js";
import { SocketReceiver, type SocketConverter } from "../receiver/SocketReceiver.js";
import { ReceiverInputDStream } from "./ReceiverInputDStream.js";

/** The stream behind `socketTextStream` and `socketStream`: a SocketReceiver on the driver. */
export class SocketInputDStream<T> extends ReceiverInputDStream<T> {
  constructor(
    ssc: StreamingContext,
    readonly host: string,
    readonly port: number,
    private readonly converter: SocketConverter<T> | undefined,
    private readonly level: StorageLevel,
  ) {
    super(ssc);
  }

  getReceiver(): SocketReceiver<T> {
    return new SocketReceiver<T>(this.host, this.port, this.converter, this.level);
  }
}
