import type { FileStatus, FileSystem } from "../../core/fs/FileSystem.js";
import { pathPart } from "../../core/fs/fsPath.js";
import { webHdfsOptions } from "./HdfsConfig.js";
import { WebHdfsClient, type HdfsFileStatus } from "./WebHdfsClient.js";

/**
 * `hdfs://` and `webhdfs://` paths, through the NameNode's WebHDFS REST interface. Paths come in
 * and go out as full URLs (`hdfs://nn:8020/dir/file`), as Hadoop's qualified paths do.
 */
export class HdfsFileSystem implements FileSystem {
  readonly client: WebHdfsClient;
  private readonly prefix: string;

  constructor(
    readonly scheme: string,
    authority: string,
    conf: Readonly<Record<string, string>>,
  ) {
    this.client = new WebHdfsClient(webHdfsOptions(scheme, authority, conf));
    this.prefix = `${scheme}://${authority}`;
  }

  private remote(path: string): string {
    const [prefix, rest] = pathPart(path);
    if (prefix && prefix.toLowerCase() !== this.prefix.toLowerCase()) {
      throw new Error(`${path} is not on ${this.prefix}`);
    }
    return rest || "/";
  }

  private status(parent: string, s: HdfsFileStatus, self: boolean): FileStatus {
    const path = self ? parent : `${parent.replace(/\/$/, "")}/${s.pathSuffix}`;
    return {
      path: this.prefix + path,
      name: path.split("/").pop() ?? "",
      length: s.length,
      isDirectory: s.type === "DIRECTORY",
      modificationTime: s.modificationTime,
    };
  }

  getFileStatus(path: string): FileStatus | undefined {
    const p = this.remote(path);
    const s = this.client.getFileStatus(p);
    return s && this.status(p, s, true);
  }

  listStatus(path: string): FileStatus[] {
    const p = this.remote(path);
    // For a file, LISTSTATUS answers its own status with an empty pathSuffix.
    return this.client.listStatus(p).map((s) => this.status(p, s, s.pathSuffix === ""));
  }

  mkdirs(path: string): void {
    this.client.mkdirs(this.remote(path));
  }

  delete(path: string, recursive: boolean): boolean {
    return this.client.delete(this.remote(path), recursive);
  }

  rename(src: string, dst: string, overwrite: boolean): void {
    this.client.rename(this.remote(src), this.remote(dst), overwrite);
  }

  read(path: string, offset: number, length: number): Buffer {
    return length <= 0 ? Buffer.alloc(0) : this.client.read(this.remote(path), offset, length);
  }

  create(path: string, data: Uint8Array, overwrite: boolean): void {
    this.client.create(this.remote(path), data, overwrite);
  }

  append(path: string, data: Uint8Array): void {
    this.client.append(this.remote(path), data);
  }

  setTimes(path: string, modificationTime: number): void {
    this.client.setTimes(this.remote(path), modificationTime);
  }
}
