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
}

/** spark-submit's default master: one executor thread per core. */
export const DEFAULT_MASTER = "local[*]";

/**
 * The configuration `dstream submit` hands to the application: spark-submit's precedence, where
 * `--master` and `--name` override the same keys given with `--conf`, and anything the
 * application sets in code overrides all of them.
 */
export function submitConf(s: SubmitSettings, warn: (message: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of s.conf) {
    if (!k.startsWith("spark.") && !k.startsWith("dstream.")) {
      warn(`Ignoring non-Spark config property: ${k}`);
      continue;
    }
    out[k] = v;
  }
  out["spark.master"] = checkMaster(s.master ?? out["spark.master"] ?? DEFAULT_MASTER, out[MAX_THREADS_KEY]);
  out["spark.app.name"] = s.name ?? out["spark.app.name"] ?? s.defaultName;
  return out;
}
