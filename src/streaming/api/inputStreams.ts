/**
 * The StreamingContext methods that create receiver and file input streams. They live here,
 * installed on the prototype, so the context's own file stays about the context.
 */
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { IllegalArgumentException } from "../../core/errors.js";
import { callSite } from "../../core/rdd/callSite.js";
import { StreamingContext } from "../StreamingContext.js";
import type { InputDStream } from "../dstream/InputDStream.js";
import type { ReceiverInputDStream } from "../dstream/ReceiverInputDStream.js";
import { SocketInputDStream } from "../dstream/SocketInputDStream.js";
import { FileInputDStream, type FileStreamOptions } from "../dstream/FileInputDStream.js";
import type { SocketConverter } from "../receiver/SocketReceiver.js";

declare module "../StreamingContext.js" {
  interface StreamingContext {
    /**
     * Lines of UTF-8 text from a TCP server (`\n`, `\r\n` or `\r` terminated). The receiver
     * reconnects, with backoff, whenever the connection fails or ends.
     */
    socketTextStream(hostname: string, port: number, storageLevel?: StorageLevel): ReceiverInputDStream<string>;
    /** Records that `converter` reads from a TCP connection; reconnects like socketTextStream. */
    socketStream<T>(hostname: string, port: number, converter: SocketConverter<T>, storageLevel?: StorageLevel): ReceiverInputDStream<T>;
    /** Lines of the new text files that appear in `directory` (see FileInputDStream for the rules). */
    textFileStream(directory: string): InputDStream<string>;
    /** `[byte offset, line]` for each line of the new files in `directory`, as Spark's fileStream with TextInputFormat. */
    fileStream(directory: string, options?: FileStreamOptions): InputDStream<[number, string]>;
    /** Fixed-length byte records of the new files in `directory`. */
    binaryRecordsStream(directory: string, recordLength: number): InputDStream<Uint8Array>;
  }
}

const proto = StreamingContext.prototype;

function checkHostPort(op: string, hostname: string, port: number): void {
  if (typeof hostname !== "string" || hostname.length === 0) {
    throw new TypeError(`${op}: hostname must be a non-empty string, got ${String(hostname)}`);
  }
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new IllegalArgumentException(`${op}: port must be an integer from 1 to 65535, got ${String(port)}`);
  }
}

function checkLevel(op: string, level: StorageLevel): StorageLevel {
  if (!(level instanceof StorageLevel)) throw new TypeError(`${op}: storageLevel must be a StorageLevel, got ${String(level)}`);
  return level;
}

function checkDirectory(op: string, directory: string): string {
  if (typeof directory !== "string" || directory.length === 0) {
    throw new TypeError(`${op}: directory must be a non-empty path, got ${String(directory)}`);
  }
  return directory;
}

function at<S extends { creationSite: string }>(stream: S, op: string): S {
  stream.creationSite = callSite(op);
  return stream;
}

proto.socketTextStream = function (this: StreamingContext, hostname: string, port: number, storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER) {
  checkHostPort("socketTextStream", hostname, port);
  const level = checkLevel("socketTextStream", storageLevel);
  return at(new SocketInputDStream<string>(this, hostname, port, undefined, level), "socketTextStream");
};

proto.socketStream = function <T>(
  this: StreamingContext,
  hostname: string,
  port: number,
  converter: SocketConverter<T>,
  storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
) {
  checkHostPort("socketStream", hostname, port);
  if (typeof converter !== "function") throw new TypeError(`socketStream: converter must be a function of the connection's input stream, got ${String(converter)}`);
  const level = checkLevel("socketStream", storageLevel);
  return at(new SocketInputDStream<T>(this, hostname, port, converter, level), "socketStream");
};

proto.textFileStream = function (this: StreamingContext, directory: string) {
  return at(new FileInputDStream<string>(this, checkDirectory("textFileStream", directory), {}, { kind: "text" }), "textFileStream");
};

proto.fileStream = function (this: StreamingContext, directory: string, options: FileStreamOptions = {}) {
  if (options === null || typeof options !== "object") throw new TypeError(`fileStream: options must be an object such as { filter, newFilesOnly }, got ${String(options)}`);
  if (options.filter !== undefined && typeof options.filter !== "function") {
    throw new TypeError(`fileStream: filter must be a function of a file's path, got ${String(options.filter)}`);
  }
  return at(new FileInputDStream<[number, string]>(this, checkDirectory("fileStream", directory), options, { kind: "textWithOffsets" }), "fileStream");
};

proto.binaryRecordsStream = function (this: StreamingContext, directory: string, recordLength: number) {
  if (typeof recordLength !== "number" || !Number.isInteger(recordLength) || recordLength <= 0) {
    throw new IllegalArgumentException(`binaryRecordsStream: recordLength must be a positive integer, got ${String(recordLength)}`);
  }
  return at(
    new FileInputDStream<Uint8Array>(this, checkDirectory("binaryRecordsStream", directory), {}, { kind: "fixedLength", recordLength }),
    "binaryRecordsStream",
  );
};
