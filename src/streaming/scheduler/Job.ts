import type { Time } from "../Time.js";
import type { OutputOperationInfo } from "./BatchInfo.js";

/** One output operation's work for one batch. */
export class Job {
  /** Index among the jobs of its batch, in output-registration order. */
  outputOpId = -1;
  callSite = "";
  startTime: number | undefined = undefined;
  endTime: number | undefined = undefined;
  error: unknown = undefined;
  private failed = false;

  constructor(
    readonly time: Time,
    private readonly func: () => void | Promise<void>,
  ) {}

  async run(): Promise<void> {
    try {
      await this.func();
    } catch (e) {
      this.failed = true;
      this.error = e;
    }
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  toOutputOperationInfo(): OutputOperationInfo {
    const failureReason = this.failed ? describeFailure(this.error) : undefined;
    return {
      batchTime: this.time,
      id: this.outputOpId,
      name: this.callSite.split(" at ")[0] ?? this.callSite,
      description: this.callSite,
      startTime: this.startTime,
      endTime: this.endTime,
      failureReason,
      duration: this.startTime !== undefined && this.endTime !== undefined ? this.endTime - this.startTime : undefined,
    };
  }

  /** Spark's job id: the batch time prints as a Time does, "streaming job 1000 ms.0". */
  toString(): string {
    return `streaming job ${this.time}.${this.outputOpId}`;
  }
}

function describeFailure(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
