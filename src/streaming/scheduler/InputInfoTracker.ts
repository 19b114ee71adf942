import type { StreamInputInfo } from "./BatchInfo.js";

/** What each input stream reported per batch (record counts), until the batch's metadata is cleared. */
export class InputInfoTracker {
  private readonly byBatch = new Map<number, Map<number, StreamInputInfo>>();

  reportInfo(batchTimeMs: number, info: StreamInputInfo): void {
    let m = this.byBatch.get(batchTimeMs);
    if (!m) this.byBatch.set(batchTimeMs, (m = new Map()));
    if (m.has(info.inputStreamId)) {
      throw new Error(`Input stream ${info.inputStreamId} for batch ${batchTimeMs} ms is already added into InputInfoTracker`);
    }
    m.set(info.inputStreamId, info);
  }

  getInfo(batchTimeMs: number): Map<number, StreamInputInfo> {
    return new Map(this.byBatch.get(batchTimeMs) ?? []);
  }

  cleanup(batchThresholdMs: number): void {
    for (const t of [...this.byBatch.keys()]) if (t < batchThresholdMs) this.byBatch.delete(t);
  }
}
