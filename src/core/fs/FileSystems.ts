import { IllegalArgumentException } from "../errors.js";
import type { FileSystem, FileSystemRef } from "./FileSystem.js";
import { LocalFileSystem } from "./LocalFileSystem.js";

/** What a connector registers for a URL scheme. */
export interface FileSystemProvider {
  scheme: string;
  /**
   * A module URL (usually the registering module's `import.meta.url`) whose import registers this
   * scheme: executor threads import it when a task meets the scheme, so the provider must be
   * registered by a module's top level, never conditionally.
   */
  module: string;
  /** Builds the filesystem for one authority (`host:port` of the URL, maybe empty) and configuration. */
  create(authority: string, conf: Readonly<Record<string, string>>): FileSystem;
}

const local = new LocalFileSystem();
const providers = new Map<string, FileSystemProvider>();
const instances = new Map<string, FileSystem>();
let hadoopConf: Record<string, string> = {};

/** The scheme of a URL-form path (`hdfs://nn:8020/x` → `hdfs`), or `file` for a plain path. */
export function schemeOf(path: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(path);
  // A single letter before a colon is a Windows drive, not a scheme.
  return m && m[1]!.length > 1 ? m[1]!.toLowerCase() : "file";
}

/** The `host:port` of a URL-form path, or "". */
export function authorityOf(path: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/]*)/.exec(path);
  return m ? m[1]! : "";
}

/**
 * The filesystems a path can live on, by URL scheme, as Hadoop's `FileSystem.get(uri, conf)`.
 * One registry per thread: executor threads fill theirs from the refs that travel with each task.
 */
export const FileSystems = {
  /** Adds a scheme; registering the same scheme again replaces its provider. */
  register(provider: FileSystemProvider): void {
    providers.set(provider.scheme.toLowerCase(), provider);
    for (const key of [...instances.keys()]) if (key.startsWith(`${provider.scheme.toLowerCase()}://`)) instances.delete(key);
  },

  isRegistered(scheme: string): boolean {
    return scheme === "file" || providers.has(scheme.toLowerCase());
  },

  /**
   * The Hadoop configuration remote filesystems are built with (`spark.hadoop.*` without the
   * prefix). A SparkContext sets it from its conf when it starts.
   */
  setConf(conf: Readonly<Record<string, string>>): void {
    if (sameConf(conf, hadoopConf)) return;
    hadoopConf = { ...conf };
    instances.clear();
  },

  conf(): Readonly<Record<string, string>> {
    return hadoopConf;
  },

  /** The filesystem that holds `path`; `op` names the caller in the error for an unknown scheme. */
  get(path: string, op = "FileSystem.get"): FileSystem {
    const scheme = schemeOf(path);
    if (scheme === "file") return local;
    const provider = providers.get(scheme);
    if (!provider) {
      throw new IllegalArgumentException(
        `${op}: No FileSystem for scheme "${scheme}" (path ${path}). ` +
          (scheme === "hdfs" || scheme === "webhdfs" ? `Import "dstream/hdfs" to register it.` : `Register one with FileSystems.register.`),
      );
    }
    const authority = authorityOf(path);
    const key = `${scheme}://${authority}`;
    let fs = instances.get(key);
    if (!fs) {
      fs = provider.create(authority, hadoopConf);
      instances.set(key, fs);
    }
    return fs;
  },

  /** What executors need to reach the registered remote filesystems, sent with every task. */
  refs(): FileSystemRef[] {
    return [...providers.values()].map((p) => ({ scheme: p.scheme, module: p.module, conf: hadoopConf }));
  },

  /** In an executor: imports the modules that register these schemes and takes their configuration. */
  async load(refs: readonly FileSystemRef[] | undefined): Promise<void> {
    if (!refs || refs.length === 0) return;
    FileSystems.setConf(refs[0]!.conf);
    for (const ref of refs) if (!providers.has(ref.scheme)) await import(ref.module);
  },
};

function sameConf(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
