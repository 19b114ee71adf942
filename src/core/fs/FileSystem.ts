/** What a filesystem says about one path, as Hadoop's `FileStatus` does. */
export interface FileStatus {
  /** The full path, in the form the filesystem was asked with (a URL for remote filesystems). */
  path: string;
  /** The last path component. */
  name: string;
  length: number;
  isDirectory: boolean;
  /** Milliseconds since the epoch. */
  modificationTime: number;
}

/**
 * The operations dstream performs on files, after Hadoop's `FileSystem`: every place that reads
 * or writes a path (textFile, saveAsTextFile, file streams, checkpoints) goes through one of these,
 * chosen by the path's URL scheme. The local filesystem is the default; a connector registers
 * another scheme with `FileSystems.register`.
 *
 * The operations are synchronous, as Hadoop's are and as the engine's callers are (an RDD's
 * partitions are known when it is defined). An implementation over the network blocks its
 * thread for the call, which is what reading a local disk does too.
 */
export interface FileSystem {
  readonly scheme: string;
  /** The status of a file or directory; undefined when nothing is there. */
  getFileStatus(path: string): FileStatus | undefined;
  /** The entries of a directory (for a file: the file itself). Throws when the path does not exist. */
  listStatus(path: string): FileStatus[];
  /**
   * Creates a directory and its missing parents; succeeds when it already exists. `operation`
   * (saveAsTextFile, checkpoint, ...) names who asked, for the error when it cannot be done.
   */
  mkdirs(path: string, operation?: string): void;
  /** Deletes a file, or a directory (recursive must be true when it is not empty); false when nothing was there. */
  delete(path: string, recursive: boolean): boolean;
  /**
   * Moves `src` to `dst` in one step. With overwrite, an existing file at `dst` is replaced
   * atomically; without, an existing `dst` makes the rename fail.
   */
  rename(src: string, dst: string, overwrite: boolean): void;
  /** `length` bytes from `offset` (fewer at the end of the file). */
  read(path: string, offset: number, length: number): Buffer;
  /** Creates (or with overwrite, replaces) a file with these contents, creating missing parents. */
  create(path: string, data: Uint8Array, overwrite: boolean): void;
  /** Appends to an existing file. */
  append(path: string, data: Uint8Array): void;
  /** Sets a file's modification time (milliseconds since the epoch), as Hadoop's `setTimes`. */
  setTimes(path: string, modificationTime: number): void;
}

/**
 * How an executor thread gets the same filesystem: the module that registers the scheme when
 * imported, and the Hadoop configuration (`spark.hadoop.*` without the prefix) it was built with.
 */
export interface FileSystemRef {
  scheme: string;
  module: string;
  conf: Record<string, string>;
}
