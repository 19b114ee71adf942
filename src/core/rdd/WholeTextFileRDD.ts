import { RDD } from "./RDD.js";
import type { SparkContext } from "../SparkContext.js";
import type { PlanArgs } from "../executor/plan.js";
import { listInputFiles } from "./inputFiles.js";
import { sliceBounds } from "./ParallelCollectionRDD.js";
import { FileSystems } from "../fs/FileSystems.js";
import { displayPath } from "../fs/fsPath.js";

/** `[file:/path, content]` per file; files are spread over partitions in order, read by the executor. */
export class WholeTextFileRDD extends RDD<[string, string]> {
  static override planModule = import.meta.url;
  private readonly groups: string[][];

  constructor(sc: SparkContext, path: string, minPartitions: number) {
    super(sc, []);
    const files = listInputFiles("wholeTextFiles", path).map((f) => f.path);
    const n = Math.max(1, Math.min(minPartitions, files.length));
    this.groups = files.length === 0 ? [] : sliceBounds(files.length, n).map(([a, b]) => files.slice(a, b));
    this.setName(path);
  }

  getNumPartitions(): number {
    return this.groups.length;
  }

  compute(split: number): Iterable<[string, string]> {
    return this.groups[split]!.map((p) => {
      const fs = FileSystems.get(p, "wholeTextFiles");
      const length = fs.getFileStatus(p)?.length ?? 0;
      return [displayPath(p), fs.read(p, 0, length).toString("utf8")] as [string, string];
    });
  }

  override planArgs(): PlanArgs {
    return this.planArgsWith({ groups: this.groups });
  }
}
