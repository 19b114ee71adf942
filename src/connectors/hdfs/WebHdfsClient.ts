import * as http from "node:http";
import { exchange, SyncHttp, type HttpRequest, type HttpResponse, type OnChunk } from "./HttpExchange.js";
import { HdfsConnectionException, HdfsException } from "./errors.js";

/** Where the NameNode's WebHDFS endpoint is and who we are, as resolved from the configuration. */
export interface WebHdfsOptions {
  /** `host:port` of the NameNode's HTTP server. */
  namenode: string;
  /** Which setting gave `namenode`, for error messages. */
  namenodeSetting: string;
  /** Simple authentication's `user.name`. */
  user: string;
  /** Attempts for an exchange with a DataNode (Hadoop's `dfs.http.client.retry.max.attempts`). */
  maxAttempts: number;
  /** First wait between attempts, doubled each time up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

/** A file's status as WebHDFS reports it (`FileStatus` JSON). */
export interface HdfsFileStatus {
  pathSuffix: string;
  type: "FILE" | "DIRECTORY" | "SYMLINK";
  length: number;
  modificationTime: number;
}

/** What happened on a retried exchange; tests and logs watch these. */
export interface RetryEvent {
  op: string;
  path: string;
  attempt: number;
  reason: string;
  /** For reads: bytes already received, which the next attempt does not fetch again. */
  resumeAt?: number;
}

type Step = { http: HttpRequest } | { sleepMs: number };
/**
 * An operation as a generator of HTTP exchanges and waits, so that one implementation runs both
 * blocking (for the engine's synchronous filesystem calls) and with promises.
 */
type Op<T> = Generator<Step, T, HttpResponse | undefined>;

/**
 * A WebHDFS REST client (Hadoop's `WebHdfsFileSystem` protocol) on `fetch`: the NameNode answers
 * metadata calls itself and redirects data calls (OPEN, CREATE, APPEND) to a DataNode, which this
 * client follows. A DataNode that fails mid-exchange is retried through the NameNode, and a read
 * resumes at the first byte it did not receive.
 */
export class WebHdfsClient {
  private sync: SyncHttp | undefined;
  /** Called on every retry. */
  onRetry: ((e: RetryEvent) => void) | undefined;

  constructor(readonly options: WebHdfsOptions) {}

  getFileStatus(path: string): HdfsFileStatus | undefined {
    return this.runSync(this.getFileStatusOp(path));
  }
  listStatus(path: string): HdfsFileStatus[] {
    return this.runSync(this.listStatusOp(path));
  }
  mkdirs(path: string): void {
    this.runSync(this.booleanOp("MKDIRS", "PUT", path, {}));
  }
  delete(path: string, recursive: boolean): boolean {
    return this.runSync(this.booleanOp("DELETE", "DELETE", path, { recursive: String(recursive) }));
  }
  rename(src: string, dst: string, overwrite: boolean): void {
    this.runSync(this.renameOp(src, dst, overwrite));
  }
  setTimes(path: string, modificationTime: number): void {
    this.runSync(this.metadataOp("SETTIMES", "PUT", path, { modificationtime: String(modificationTime), accesstime: "-1" }));
  }
  read(path: string, offset: number, length: number): Buffer {
    return this.runSync(this.readOp(path, offset, length));
  }
  create(path: string, data: Uint8Array, overwrite: boolean): void {
    this.runSync(this.writeOp("CREATE", path, data, { overwrite: String(overwrite) }));
  }
  /**
   * The DataNode answers an APPEND (or CREATE) only after closing the file: every DataNode of the
   * pipeline has acknowledged the bytes and the NameNode has the new length (stronger than the
   * hflush Spark's log relies on; neither forces the DataNodes' disks, as dfs.datanode.synconclose does).
   */
  append(path: string, data: Uint8Array): void {
    this.runSync(this.writeOp("APPEND", path, data, {}));
  }

  /** `read` with promises; `onChunk` sees each chunk of the body and may hold the reading back. */
  readAsync(path: string, offset: number, length: number, onChunk?: OnChunk): Promise<Buffer> {
    return this.runAsync(this.readOp(path, offset, length), onChunk);
  }

  close(): void {
    this.sync?.close();
    this.sync = undefined;
  }

  private runSync<T>(op: Op<T>): T {
    let next = op.next();
    while (!next.done) {
      const step = next.value;
      if ("sleepMs" in step) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, step.sleepMs);
        next = op.next(undefined);
      } else {
        this.sync ??= new SyncHttp();
        next = op.next(this.sync.request(step.http));
      }
    }
    return next.value;
  }

  private async runAsync<T>(op: Op<T>, onChunk?: OnChunk): Promise<T> {
    let next = op.next();
    while (!next.done) {
      const step = next.value;
      if ("sleepMs" in step) {
        await new Promise((r) => setTimeout(r, step.sleepMs));
        next = op.next(undefined);
      } else next = op.next(await exchange(step.http, onChunk, http));
    }
    return next.value;
  }

  private url(path: string, op: string, params: Record<string, string>): string {
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    const q = new URLSearchParams({ op, "user.name": this.options.user, ...params });
    return `http://${this.options.namenode}/webhdfs/v1${encoded.startsWith("/") ? encoded : `/${encoded}`}?${q}`;
  }

  /** One call answered by the NameNode itself; a RemoteException becomes an HdfsException. */
  private *namenode(op: string, method: HttpRequest["method"], path: string, params: Record<string, string>): Generator<Step, HttpResponse, HttpResponse | undefined> {
    const res = (yield { http: { method, url: this.url(path, op, params), timeoutMs: this.options.timeoutMs } })!;
    if (res.status === 0) {
      throw new HdfsConnectionException(
        `WebHDFS ${op} ${path}: cannot reach the NameNode at http://${this.options.namenode} (${this.options.namenodeSetting}): ${res.error}. ` +
          `Check that address, and that the NameNode serves WebHDFS (dfs.webhdfs.enabled).`,
      );
    }
    if (res.status >= 400) throw this.remoteError(op, path, res);
    if (res.error) {
      throw new HdfsConnectionException(`WebHDFS ${op} ${path}: the NameNode at http://${this.options.namenode} broke off its answer: ${res.error}`);
    }
    return res;
  }

  private remoteError(op: string, path: string, res: HttpResponse): HdfsException {
    const text = Buffer.from(res.body).toString("utf8");
    let remote: { exception?: string; message?: string } | undefined;
    try {
      remote = (JSON.parse(text) as { RemoteException?: { exception?: string; message?: string } }).RemoteException;
    } catch {
      // not WebHDFS's JSON: said below
    }
    if (!remote) {
      return new HdfsException(
        `WebHDFS ${op} ${path}: http://${this.options.namenode} (${this.options.namenodeSetting}) answered HTTP ${res.status}, which is not a WebHDFS answer: ${text.slice(0, 200)}. ` +
          `Check that the address is the NameNode's HTTP address.`,
      );
    }
    return new HdfsException(`WebHDFS ${op} ${path}: ${remote.exception ?? "RemoteException"}: ${remote.message ?? text}`, remote.exception);
  }

  private *metadataOp(op: string, method: HttpRequest["method"], path: string, params: Record<string, string>): Op<unknown> {
    const res = yield* this.namenode(op, method, path, params);
    return res.body.byteLength === 0 ? undefined : (JSON.parse(Buffer.from(res.body).toString("utf8")) as unknown);
  }

  private *booleanOp(op: string, method: HttpRequest["method"], path: string, params: Record<string, string>): Op<boolean> {
    return ((yield* this.metadataOp(op, method, path, params)) as { boolean: boolean }).boolean;
  }

  private *getFileStatusOp(path: string): Op<HdfsFileStatus | undefined> {
    try {
      return ((yield* this.metadataOp("GETFILESTATUS", "GET", path, {})) as { FileStatus: HdfsFileStatus }).FileStatus;
    } catch (e) {
      if (e instanceof HdfsException && e.remoteException === "FileNotFoundException") return undefined;
      throw e;
    }
  }

  private *listStatusOp(path: string): Op<HdfsFileStatus[]> {
    return ((yield* this.metadataOp("LISTSTATUS", "GET", path, {})) as { FileStatuses: { FileStatus: HdfsFileStatus[] } }).FileStatuses.FileStatus;
  }

  private *renameOp(src: string, dst: string, overwrite: boolean): Op<void> {
    // With renameoptions the NameNode uses rename2, which replaces dst atomically and reports
    // failures as exceptions; plain RENAME answers false instead.
    const params: Record<string, string> = { destination: dst };
    if (overwrite) params.renameoptions = "OVERWRITE";
    const res = (yield* this.metadataOp("RENAME", "PUT", src, params)) as { boolean?: boolean } | undefined;
    if (res?.boolean === false) {
      throw new HdfsException(`WebHDFS RENAME ${src} to ${dst}: the NameNode refused (the source is missing, or the destination exists)`);
    }
  }

  /** Waits before attempt `attempt + 1`, or throws when the attempts are used up. */
  private *retryOrThrow(op: string, path: string, attempt: number, reason: string, resumeAt?: number): Generator<Step, void, HttpResponse | undefined> {
    if (attempt >= this.options.maxAttempts) {
      throw new HdfsConnectionException(`WebHDFS ${op} ${path}: the DataNode failed ${attempt} times (last: ${reason}); giving up (dfs.http.client.retry.max.attempts = ${this.options.maxAttempts})`);
    }
    this.onRetry?.({ op, path, attempt, reason, resumeAt });
    yield { sleepMs: Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1)) };
  }

  private redirectTarget(op: string, path: string, res: HttpResponse): string {
    if (res.status !== 307 || !res.location) {
      throw new HdfsException(`WebHDFS ${op} ${path}: expected the NameNode to redirect to a DataNode, got HTTP ${res.status}`);
    }
    return res.location;
  }

  private *readOp(path: string, offset: number, length: number): Op<Buffer> {
    const parts: Uint8Array[] = [];
    let pos = offset;
    let remaining = length;
    for (let attempt = 1; remaining > 0; ) {
      let nn: HttpResponse;
      try {
        nn = yield* this.namenode("OPEN", "GET", path, { offset: String(pos), length: String(remaining) });
      } catch (e) {
        // The NameNode refuses an offset at or past the end ("Offset=8 out of the range [0, 8)"),
        // where a read of a local file returns nothing: the end of the file is no error.
        if (e instanceof HdfsException && e.remoteException === "IOException" && /Offset=\d+ out of the range/.test(e.message)) break;
        throw e;
      }
      const url = this.redirectTarget("OPEN", path, nn);
      const res = (yield { http: { method: "GET", url, timeoutMs: this.options.timeoutMs } })!;
      if (res.status >= 200 && res.status < 300) {
        parts.push(res.body);
        pos += res.body.byteLength;
        remaining -= res.body.byteLength;
        if (!res.error) break; // a short body without an error is the end of the file
        attempt++; // what arrived is kept: the next attempt starts after it
        yield* this.retryOrThrow("OPEN", path, attempt - 1, res.error, pos);
        continue;
      }
      if (res.status >= 400 && res.status < 500) throw this.remoteError("OPEN", path, res);
      yield* this.retryOrThrow("OPEN", path, attempt, res.error ?? `HTTP ${res.status}`, pos);
      attempt++;
    }
    return Buffer.concat(parts);
  }

  private *writeOp(op: "CREATE" | "APPEND", path: string, data: Uint8Array, params: Record<string, string>): Op<void> {
    const method = op === "CREATE" ? "PUT" : "POST";
    for (let attempt = 1; ; attempt++) {
      const nn = yield* this.namenode(op, method, path, params);
      const url = this.redirectTarget(op, path, nn);
      const res = (yield { http: { method, url, body: data, timeoutMs: this.options.timeoutMs } })!;
      if (res.status >= 200 && res.status < 300 && !res.error) return;
      if (res.status >= 400 && res.status < 500) throw this.remoteError(op, path, res);
      // An APPEND that reached the DataNode may have been applied: only a refused connection is safe to repeat.
      if (op === "APPEND" && !/ECONNREFUSED/.test(res.error ?? "")) throw new HdfsException(`WebHDFS APPEND ${path}: the DataNode failed (${res.error ?? `HTTP ${res.status}`}); not retried, as the data may have been appended`);
      yield* this.retryOrThrow(op, path, attempt, res.error ?? `HTTP ${res.status}`);
    }
  }
}
