import { logger } from "../../core/log.js";
import type { StreamingListener, StreamingListenerEvent } from "./StreamingListener.js";

/**
 * Delivers streaming events to listeners, synchronously and in order, so that a test sees a
 * batch's events by the time the batch has completed. A listener that throws is logged and
 * skipped; it never fails the batch.
 */
export class StreamingListenerBus {
  private readonly listeners: StreamingListener[] = [];

  add(listener: StreamingListener): void {
    if (listener === null || typeof listener !== "object") {
      throw new TypeError(`addStreamingListener: expected an object with on...() methods, got ${String(listener)}`);
    }
    this.listeners.push(listener);
  }

  remove(listener: StreamingListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  post<K extends keyof StreamingListenerEvent>(kind: K, event: StreamingListenerEvent[K]): void {
    for (const l of [...this.listeners]) {
      const handler = l[kind] as ((e: StreamingListenerEvent[K]) => void) | undefined;
      if (typeof handler !== "function") continue;
      try {
        const r: unknown = handler.call(l, event);
        if (r instanceof Promise) r.catch((e: unknown) => logger().error({ err: String(e) }, `StreamingListener.${kind} failed`));
      } catch (e) {
        logger().error({ err: String(e) }, `StreamingListener.${kind} threw`);
      }
    }
  }
}
