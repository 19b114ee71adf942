import type { ProgressMessage } from "../../ui/progress/ProgressReporter.js";
import { clockTime, count, shortDuration, type BatchMessage, type ProgressView } from "./ProgressView.js";

const CLEAR = "\r\x1b[2K";

/**
 * One status line at the bottom of an interactive terminal, redrawn in place after each batch.
 * The application's output passes through here, so the line is lifted out of the way before
 * each chunk and drawn again below it.
 */
export class StatusLine implements ProgressView {
  private ui: string | undefined;
  private last: BatchMessage | undefined;
  private state: "app" | "streaming" | "stopped" = "app";
  private shown = false;
  /** Whether the application's last output ended mid-line; the status waits until it ends. */
  private midLine = false;

  constructor(private readonly term: NodeJS.WriteStream) {}

  message(m: ProgressMessage): void {
    if (m.type === "dstream:ui") this.ui = m.url;
    else if (m.type === "dstream:streaming") this.state = m.state === "started" ? "streaming" : "stopped";
    else {
      this.last = m;
      this.state = "streaming";
    }
    this.draw();
  }

  output(chunk: Buffer, to: NodeJS.WriteStream): void {
    this.clear();
    to.write(chunk);
    this.midLine = chunk.length > 0 && chunk[chunk.length - 1] !== 0x0a;
    if (!this.midLine) this.draw();
  }

  finish(): void {
    this.clear();
    if (this.last) this.term.write(`dstream: ${this.text(Number.MAX_SAFE_INTEGER)}\n`);
  }

  private clear(): void {
    if (!this.shown) return;
    this.term.write(CLEAR);
    this.shown = false;
  }

  private draw(): void {
    if (this.midLine) return;
    // A stream forced into line mode without a terminal has no width: nothing is cut.
    const width = this.term.columns ? Math.max(40, this.term.columns - 1) : Number.MAX_SAFE_INTEGER;
    this.term.write(CLEAR + this.text(width));
    this.shown = true;
  }

  /** The line, cut to the terminal's width. */
  text(width: number): string {
    const parts: string[] = [];
    const b = this.last;
    if (!b) parts.push(this.state === "stopped" ? "stopped" : this.state === "streaming" ? "waiting for the first batch" : "running");
    else {
      parts.push(
        `${this.state === "stopped" ? "stopped after" : b.failed ? "FAILED" : "batch"} ${clockTime(b.batchTime, b.batchDuration < 1000)}`,
        `${count(b.records)} records`,
        `processing ${shortDuration(b.processingTime)}`,
        `scheduling ${shortDuration(b.schedulingDelay)}`,
        `total delay ${shortDuration(b.totalDelay)}`,
        `${count(b.completedBatches)} ${b.completedBatches === 1 ? "batch" : "batches"}`,
      );
    }
    if (this.ui) parts.push(`UI ${this.ui}`);
    const line = parts.join(" | ");
    return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
  }
}
