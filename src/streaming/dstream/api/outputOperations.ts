import { randomUUID } from "node:crypto";
import type { RDD } from "../../../core/rdd/RDD.js";
import { FileSystems } from "../../../core/fs/FileSystems.js";
import { joinPath, nameOf, parentOf, qualify } from "../../../core/fs/fsPath.js";
import { userFn } from "../../../core/rdd/api/userFunction.js";
import { sparkString } from "../../../core/util/sparkString.js";
import type { Time } from "../../Time.js";
import { ForEachDStream } from "../ForEachDStream.js";
import { at, proto, type AnyStream } from "./streamOps.js";

type ForeachFunc = (rdd: RDD<unknown>, time: Time) => void | Promise<void>;

function output(parent: AnyStream, op: string, f: ForeachFunc, displayInnerRDDOps = false): void {
  at(new ForEachDStream(parent, f, displayInnerRDDOps), op).register();
}

proto.foreachRDD = function (this: AnyStream, f: ForeachFunc) {
  userFn("foreachRDD", f);
  output(this, "foreachRDD", f, true);
};

const DASHES = "-".repeat(43);

function printer(num: number): ForeachFunc {
  return async (rdd, time) => {
    const first = await rdd.take(num + 1);
    // One println per line, as Spark does, so each line can be captured or interleaved like Spark's.
    console.log(DASHES);
    console.log(`Time: ${time}`);
    console.log(DASHES);
    for (const x of first.slice(0, num)) console.log(sparkString(x));
    if (first.length > num) console.log("...");
    console.log("");
  };
}

function checkNum(op: string, num: number): number {
  if (typeof num !== "number" || !Number.isInteger(num) || num < 0) {
    throw new TypeError(`${op}: num must be a non-negative integer, got ${String(num)}`);
  }
  return num;
}

proto.print = function (this: AnyStream, num = 10) {
  output(this, "print", printer(checkNum("print", num)));
};
proto.pprint = function (this: AnyStream, num = 10) {
  output(this, "pprint", printer(checkNum("pprint", num)));
};

/** Spark's `rddToFileName`: "prefix-<ms>.suffix", leaving out an empty prefix or suffix. */
export function rddToFileName(prefix: string | undefined, suffix: string | undefined, time: Time): string {
  let result = String(time.milliseconds);
  if (prefix) result = `${prefix}-${result}`;
  if (suffix) result = `${result}.${suffix}`;
  return result;
}

proto.saveAsTextFiles = function (this: AnyStream, prefix: string, suffix = "") {
  if (typeof prefix !== "string") throw new TypeError(`saveAsTextFiles: prefix must be a string, got ${String(prefix)}`);
  output(this, "saveAsTextFiles", (rdd, time) => rdd.saveAsTextFile(rddToFileName(prefix, suffix, time)));
};

/** An element as one line of NDJSON; shipped to executors by its source, so it refers to nothing outside. */
const jsonLine = (x: unknown): string => {
  if (typeof x === "bigint" || (typeof x === "object" && x !== null && Object.values(x).some((v) => typeof v === "bigint"))) {
    throw new TypeError(`saveAsJsonFiles: ${String(x)} holds a bigint, which JSON has no form for; map it to a string or number first`);
  }
  const line = JSON.stringify(x);
  if (line === undefined) throw new TypeError(`saveAsJsonFiles: ${String(x)} has no JSON form (undefined, a function or a symbol); map it to a value first`);
  return line;
};

proto.saveAsJsonFiles = function (this: AnyStream, prefix: string, suffix = "") {
  if (typeof prefix !== "string" || prefix.length === 0) throw new TypeError(`saveAsJsonFiles: prefix must be a non-empty string, got ${String(prefix)}`);
  if (typeof suffix !== "string") throw new TypeError(`saveAsJsonFiles: suffix must be a string, got ${String(suffix)}`);
  output(this, "saveAsJsonFiles", async (rdd, time) => {
    const dir = qualify(rddToFileName(prefix, suffix, time));
    const fs = FileSystems.get(dir, "saveAsJsonFiles");
    // A batch run again after recovery finds its directory committed whole: writing it again would change nothing.
    if (fs.getFileStatus(dir)) return;
    // Hidden (a leading dot) until renamed: a reader of prefix-* never sees a batch half written.
    // Temporaries live in one directory, so clearing a crashed attempt's lists that, not every batch.
    const tmpRoot = joinPath(parentOf(dir), ".saveAsJsonFiles_temporary");
    fs.mkdirs(tmpRoot, "saveAsJsonFiles");
    const attempt = `${nameOf(dir)}-`;
    for (const st of fs.listStatus(tmpRoot)) if (st.name.startsWith(attempt)) fs.delete(st.path, true);
    const tmp = joinPath(tmpRoot, `${attempt}${randomUUID()}`);
    await rdd.map(jsonLine).saveAsTextFile(tmp);
    fs.rename(tmp, dir, false);
  });
};
