import { spawnSync } from "node:child_process";
import { constants as osConstants } from "node:os";
import { RDD } from "./RDD.js";
import { OneToOneDependency } from "./Dependency.js";
import { MapPartitionsRDD } from "./MapPartitionsRDD.js";
import { TextFileRDD } from "./TextFileRDD.js";
import type { TaskContext } from "../scheduler/TaskContext.js";
import type { PlanArgs, ReviveEnv } from "../executor/plan.js";
import { IllegalStateException } from "../errors.js";
import { sparkString } from "../util/sparkString.js";

/** `java.util.StringTokenizer`'s default delimiters: Spark splits a command string on these, with no quoting. */
export function tokenizeCommand(command: string): string[] {
  return command.split(/[ \t\n\r\f]+/).filter((t) => t.length > 0);
}

/**
 * Spark's PipedRDD: each partition, empty ones included, runs the command once. Elements go to
 * its stdin one per line (as Spark prints them), stdout lines come back as elements, stderr goes
 * to this process's stderr. The process runs to completion before its lines are returned.
 */
export class PipedRDD<T> extends RDD<string> {
  static override planModule = import.meta.url;
  private prev: RDD<T>;
  private readonly command: string[];
  private readonly env: Record<string, string>;

  constructor(prev: RDD<T>, command: string[], env: Record<string, string>) {
    super(prev.sc, [new OneToOneDependency(prev as RDD<unknown>)]);
    this.prev = prev;
    this.command = command;
    this.env = env;
  }

  getNumPartitions(): number {
    return this.prev.getNumPartitions();
  }

  compute(split: number, ctx: TaskContext): Iterable<string> {
    return this.run(split, ctx);
  }

  override computePush(split: number, ctx: TaskContext, sink: (x: string) => void): void {
    const lines = this.run(split, ctx);
    for (let i = 0; i < lines.length; i++) sink(lines[i]!);
  }

  private run(split: number, ctx: TaskContext): string[] {
    let input = "";
    this.prev.pushTo(split, ctx, (x) => {
      input += sparkString(x) + "\n";
    });
    const [program, ...args] = this.command as [string, ...string[]];
    const r = spawnSync(program, args, {
      input,
      env: { ...process.env, ...inputFileEnv(this.prev, split), ...this.env },
      stdio: ["pipe", "pipe", "inherit"],
      maxBuffer: Infinity,
    });
    // A command that stops reading early (head) closes its stdin; that is not a failure of its own.
    if (r.error && (r.error as NodeJS.ErrnoException).code !== "EPIPE") throw cannotRun(program, r.error as NodeJS.ErrnoException);
    const status = r.status ?? 128 + (r.signal ? (osConstants.signals[r.signal] ?? 0) : 0);
    if (status !== 0) {
      throw new IllegalStateException(`Subprocess exited with status ${status}. Command ran: ${this.command.join(" ")}`);
    }
    return splitLines(r.stdout.toString("utf8"));
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ command: this.command, env: this.env });
  }

  static override revive(args: PlanArgs, parents: Array<RDD<unknown>>, env: ReviveEnv): RDD<unknown> {
    const rdd = super.revive(args, parents, env) as PipedRDD<unknown>;
    rdd.prev = parents[0]!;
    return rdd;
  }
}

/** Lines as `BufferedReader.readLine` yields them: `\n`, `\r\n` or `\r` ends a line; no empty last line. */
function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Hadoop's `map_input_file` variables, which Spark sets when the partition is a text-file split:
 * found through RDDs that reuse their parent's partitions (map-like RDDs and pipes), as in Spark.
 */
function inputFileEnv(rdd: RDD<unknown>, split: number): Record<string, string> {
  let r: RDD<unknown> | undefined = rdd;
  while (r && (r.constructor === MapPartitionsRDD || r instanceof PipedRDD)) r = r.dependencies()[0]?.rdd;
  if (!(r instanceof TextFileRDD)) return {};
  const path = (r as unknown as { splits?: Array<{ path: string }> }).splits?.[split]?.path;
  return path === undefined ? {} : { map_input_file: `file:${path}`, mapreduce_map_input_file: `file:${path}` };
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  ENOEXEC: "Exec format error",
};

/** The JVM's message when ProcessBuilder cannot start a program. */
function cannotRun(program: string, e: NodeJS.ErrnoException): Error {
  const err = new Error(`Cannot run program "${program}": error=${Math.abs(e.errno ?? 0)}, ${ERRNO_TEXT[e.code ?? ""] ?? e.message}`, { cause: e });
  err.name = "IOException";
  return err;
}
