import { logger } from "../../core/log.js";
import type { StreamingContext } from "../StreamingContext.js";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * `spark.streaming.stopGracefullyOnShutdown`: SIGTERM or SIGINT stops the context gracefully
 * (receivers first, then every received record is processed); the same signal again forces
 * the stop (batches not started are dropped; they stay pending in the checkpoint). Once the
 * context has stopped, the process is left to end by itself; if something else keeps it alive,
 * the signal is raised again a second later with its default action, which ends it.
 */
export class ShutdownSignals {
  private received = 0;
  private readonly handler = (signal: NodeJS.Signals): void => this.onSignal(signal);

  constructor(private readonly ssc: StreamingContext) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  uninstall(): void {
    for (const s of SIGNALS) process.removeListener(s, this.handler);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.received++;
    const graceful = this.received === 1;
    logger().warn(
      graceful
        ? `${signal} received: stopping the StreamingContext gracefully (processing the data already received); ${signal} again forces the stop`
        : `${signal} received again: forcing the StreamingContext to stop`,
    );
    this.ssc.stop({ stopGracefully: graceful }).then(
      () => this.exitLater(signal, graceful ? 1000 : 0),
      (e: unknown) => {
        logger().error({ err: String(e) }, `Error stopping the StreamingContext on ${signal}`);
        this.exitLater(signal, 0);
      },
    );
  }

  private exitLater(signal: NodeJS.Signals, delayMs: number): void {
    this.uninstall();
    // Unreferenced: a process with nothing else to do ends first, as it would have without the handler.
    setTimeout(() => process.kill(process.pid, signal), delayMs).unref();
  }
}
