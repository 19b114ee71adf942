import { logger } from "../../core/log.js";
import type { StreamingContext } from "../StreamingContext.js";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Spark's shutdown hook for a started StreamingContext: SIGTERM or SIGINT (Ctrl-C) stops it and
 * says how. With `spark.streaming.stopGracefullyOnShutdown`, the stop is graceful (receivers
 * first, then every received record is processed) and the same signal again forces it (batches
 * not started are dropped; they stay pending in the checkpoint). Without it, the stop is Spark's
 * stop(stopGracefully = false), and the same signal again ends the process at once. An
 * application with its own handler for the signal keeps it; the context's stop is then only
 * reported. Once the context has stopped, the process is left to end by itself; if something
 * else keeps it alive, the signal is raised again a second later with its default action.
 */
export class ShutdownSignals {
  private received = 0;
  private readonly handler = (signal: NodeJS.Signals): void => this.onSignal(signal);
  /** Signals the application already handled when the context started. */
  private readonly handledByApp = new Set<NodeJS.Signals>();

  constructor(
    private readonly ssc: StreamingContext,
    private readonly gracefulOnShutdown: boolean,
  ) {
    for (const s of SIGNALS) {
      if (process.listenerCount(s) > 0) this.handledByApp.add(s);
      process.on(s, this.handler);
    }
  }

  uninstall(): void {
    for (const s of SIGNALS) process.removeListener(s, this.handler);
  }

  private onSignal(signal: NodeJS.Signals): void {
    this.received++;
    // A `once` handler added before start() is gone by the time this one runs: remembered above.
    if (this.handledByApp.has(signal) || process.listenerCount(signal) > 1) {
      // The application stops the context itself; say when it has.
      if (this.received === 1) void this.ssc.awaitTermination().then(stopped, stopped);
      return;
    }
    if (!this.gracefulOnShutdown) {
      if (this.received > 1) {
        this.uninstall();
        process.kill(process.pid, signal);
        return;
      }
      logger().warn(
        `${signal} received: Invoking stop(stopGracefully=false) from shutdown hook; batches not yet started are dropped ` +
          `(spark.streaming.stopGracefullyOnShutdown=true processes the data already received first); ${signal} again exits at once`,
      );
      this.ssc.stop({ stopGracefully: false }).then(
        () => {
          stopped();
          this.exitLater(signal, 1000);
        },
        (e: unknown) => {
          logger().error({ err: String(e) }, `Error stopping the StreamingContext on ${signal}`);
          this.exitLater(signal, 0);
        },
      );
      return;
    }
    const graceful = this.received === 1;
    logger().warn(
      graceful
        ? `${signal} received: stopping the StreamingContext gracefully (processing the data already received); ${signal} again forces the stop`
        : `${signal} received again: forcing the StreamingContext to stop`,
    );
    this.ssc.stop({ stopGracefully: graceful }).then(
      () => {
        if (graceful) stopped();
        this.exitLater(signal, graceful ? 1000 : 0);
      },
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

function stopped(): void {
  logger().warn("StreamingContext stopped successfully");
}
