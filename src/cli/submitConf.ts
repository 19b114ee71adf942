import { MAX_THREADS_KEY, parseMaster } from "../core/master.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** `--conf key=value`, as spark-submit reads it: the value may itself contain '='. */
export function parseConfPair(text: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new UsageError(`--conf expects key=value, got '${text}' (for example --conf spark.ui.port=4041)`);
  return [text.slice(0, i).trim(), text.slice(i + 1)];
}

/** Validates a master URL with the engine's own parser, so the message lists the valid forms. */
export function checkMaster(master: string, maxThreads?: string): string {
  try {
    // The application may raise dstream.local.maxThreads in code; only a limit given here is applied here.
    const limit = maxThreads !== undefined && /^\s*\d+\s*$/.test(maxThreads) ? Number(maxThreads) : undefined;
    parseMaster(master, limit);
  } catch (e) {
    throw new UsageError(`--master: ${e instanceof Error ? e.message : String(e)}`);
  }
  return master;
}

export interface SubmitSettings {
  master: string | undefined;
  name: string | undefined;
  /** The name when neither --name nor --conf spark.app.name gives one: the application's file name. */
  defaultName: string;
  conf: Array<[string, string]>;
  /** The properties of `--properties-file`, below `--conf`. */
  defaults?: Array<[string, string]>;
}

/** spark-submit's default master: one executor thread per core. */
export const DEFAULT_MASTER = "local[*]";

/**
 * Spark's sparkProperties: `--conf` first, the properties file for keys it leaves unset, and
 * only `spark.*` (and dstream's own `dstream.*`) keys, the others dropped with Spark's warning.
 */
export function sparkProperties(s: SubmitSettings, warn: (message: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of s.conf) out[k] = v;
  for (const [k, v] of s.defaults ?? []) if (!(k in out)) out[k] = v;
  for (const k of Object.keys(out)) {
    if (!k.startsWith("spark.") && !k.startsWith("dstream.")) {
      delete out[k];
      warn(`Ignoring non-Spark config property: ${k}`);
    }
  }
  return out;
}

/**
 * The configuration `dstream submit` hands to the application: spark-submit's precedence, where
 * `--master` and `--name` override the same keys given with `--conf` or the properties file, and
 * anything the application sets in code overrides all of them.
 */
export function submitConf(s: SubmitSettings, warn: (message: string) => void): { properties: Record<string, string>; conf: Record<string, string> } {
  const properties = sparkProperties(s, warn);
  const conf = { ...properties };
  conf["spark.master"] = checkMaster(s.master ?? conf["spark.master"] ?? DEFAULT_MASTER, conf[MAX_THREADS_KEY]);
  conf["spark.app.name"] = s.name ?? conf["spark.app.name"] ?? s.defaultName;
  return { properties, conf };
}
