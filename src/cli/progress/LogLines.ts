import type { ProgressMessage } from "../../ui/progress/ProgressReporter.js";
import { clockTime, count, shortDuration, type ProgressView } from "./ProgressView.js";

/** Progress as plain log lines, for output that is not a terminal (a file, a pipe, CI). */
export class LogLines implements ProgressView {
  constructor(private readonly out: NodeJS.WritableStream) {}

  private line(level: "INFO" | "WARN", text: string): void {
    this.out.write(`${clockTime(Date.now(), false)} ${level.padEnd(5)} dstream: ${text}\n`);
  }

  message(m: ProgressMessage): void {
    switch (m.type) {
      case "dstream:ui":
        this.line("INFO", `Web UI at ${m.url}`);
        return;
      case "dstream:streaming":
        this.line("INFO", m.state === "started" ? `Streaming started: batches every ${shortDuration(m.batchDuration)}` : "Streaming stopped");
        return;
      case "dstream:batch":
        this.line(
          m.failed ? "WARN" : "INFO",
          `Batch ${clockTime(m.batchTime, m.batchDuration < 1000)} ${m.failed ? "failed" : "completed"}: ${count(m.records)} records, ` +
            `processing time ${shortDuration(m.processingTime)}, scheduling delay ${shortDuration(m.schedulingDelay)}, total delay ${shortDuration(m.totalDelay)}`,
        );
        return;
    }
  }

  output(chunk: Buffer, to: NodeJS.WriteStream): void {
    to.write(chunk);
  }

  finish(): void {}
}
