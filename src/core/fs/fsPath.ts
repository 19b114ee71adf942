import { posix, resolve } from "node:path";
import { schemeOf } from "./FileSystems.js";

/**
 * Path arithmetic that works for plain local paths and for URLs (`hdfs://nn:8020/a/b`), whose
 * path part always uses `/`.
 */
export function isLocal(path: string): boolean {
  return schemeOf(path) === "file";
}

function splitUrl(path: string): [prefix: string, rest: string] {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*)(.*)$/.exec(path);
  return m ? [m[1]!, m[2]! || "/"] : ["", path];
}

/** An absolute form: local paths resolved against the working directory, URLs normalised. */
export function qualify(path: string): string {
  if (isLocal(path)) return resolve(path.replace(/^file:(\/\/)?/, ""));
  const [prefix, rest] = splitUrl(path);
  const norm = posix.normalize(rest.startsWith("/") ? rest : `/${rest}`);
  return prefix + (norm.length > 1 && norm.endsWith("/") ? norm.slice(0, -1) : norm);
}

export function joinPath(dir: string, ...names: string[]): string {
  if (isLocal(dir)) return posix.join(dir, ...names);
  const [prefix, rest] = splitUrl(dir);
  return prefix + posix.join(rest, ...names);
}

export function parentOf(path: string): string {
  const [prefix, rest] = splitUrl(path);
  return prefix + posix.dirname(rest);
}

export function nameOf(path: string): string {
  return posix.basename(splitUrl(path)[1]);
}

/** The path part of a URL (or the path itself), for glob matching. */
export function pathPart(path: string): [prefix: string, rest: string] {
  return splitUrl(path);
}

/** A path as Hadoop prints it: local paths qualified with `file:`, URLs as they are. */
export function displayPath(path: string): string {
  return isLocal(path) ? `file:${path.replace(/^file:(\/\/)?/, "")}` : path;
}
