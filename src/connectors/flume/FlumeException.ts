import { SparkException } from "../../core/errors.js";

/**
 * Every failure the Flume connector reports: an unreachable agent, a port in use, a malformed
 * Avro-RPC frame, a request that does not decode. The message names the connector, the value
 * and the fix.
 */
export class FlumeException extends SparkException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FlumeException";
  }
}
