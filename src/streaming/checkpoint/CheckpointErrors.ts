import { SparkException } from "../../core/errors.js";

/**
 * The checkpoint directory holds no checkpoint dstream can resume from: every candidate is
 * damaged, or a file in it was not written by dstream. The message lists what was found.
 */
export class CheckpointReadException extends SparkException {
  constructor(
    message: string,
    readonly directory: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CheckpointReadException";
  }
}

/** The application's DStream graph is not the one the checkpoint was written by. */
export class CheckpointGraphMismatchException extends SparkException {
  constructor(
    message: string,
    readonly directory: string,
    readonly differences: readonly string[],
  ) {
    super(message);
    this.name = "CheckpointGraphMismatchException";
  }
}
