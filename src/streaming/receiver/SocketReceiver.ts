import { createConnection, type Socket } from "node:net";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "./Receiver.js";

/** Turns a connection's bytes into records, as Spark's `socketStream` converter does. */
export type SocketConverter<T> = (input: Readable) => AsyncIterable<T> | Iterable<T>;

/** Reconnect delays double from the restart delay up to this, and reset once data flows again. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Reads a TCP connection (Spark's SocketReceiver). When the connection cannot be opened, breaks,
 * or ends, the receiver restarts and connects again, backing off exponentially while it keeps
 * failing; every failure is reported to streaming listeners and logged, and none stops the
 * application. Text (the default, and `bytesToLines`) is stored as raw UTF-8 chunks that the
 * executors split into lines; other converters run here and store record by record.
 */
export class SocketReceiver<T> extends Receiver<T> {
  private socket: Socket | undefined;
  private failures = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly converter: SocketConverter<T> | undefined = undefined,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  /** Spark's default converter: UTF-8 lines ended by `\n`, `\r\n` or `\r`. */
  static bytesToLines(input: Readable): AsyncIterable<string> {
    return createInterface({ input, crlfDelay: Infinity });
  }

  onStart(): void {
    const where = `${this.host}:${this.port}`;
    logger().info(`Connecting to ${where}`);
    const socket = createConnection({ host: this.host, port: this.port });
    this.socket = socket;
    const mine = (): boolean => this.socket === socket && !this.isStopped();
    let connected = false;
    socket.on("error", (e) => {
      if (!mine()) return;
      this.restart(connected ? "Error receiving data" : `Error connecting to ${where}`, e, this.backoff());
    });
    socket.once("connect", () => {
      connected = true;
      logger().info(`Connected to ${where}`);
      if (this.converter === undefined || this.converter === (SocketReceiver.bytesToLines as SocketConverter<unknown>)) this.receiveText(socket, mine);
      else void this.receiveRecords(socket, this.converter, mine);
    });
  }

  onStop(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }

  /** Chunks go to the line block generator as they arrive: no per-line work on the driver. */
  private receiveText(socket: Socket, mine: () => boolean): void {
    socket.on("data", (chunk: Buffer) => {
      if (!mine()) return;
      this.failures = 0;
      const pause = this.rateLimitPauseMs(this.storeLineChunk(chunk));
      if (pause > 0) {
        // The kernel's buffer fills meanwhile and TCP slows the sender: the limit reaches the source.
        socket.pause();
        setTimeout(() => mine() && socket.resume(), pause);
      }
    });
    socket.once("end", () => {
      if (!mine()) return;
      this.endLineChunks();
      this.restart("Socket data stream had no more data", undefined, this.backoff());
    });
  }

  private async receiveRecords(socket: Socket, converter: SocketConverter<T>, mine: () => boolean): Promise<void> {
    try {
      for await (const record of converter(socket)) {
        if (!mine()) return;
        this.failures = 0;
        if (this.getCurrentRateLimit() !== Infinity) await this.waitToPush(1);
        this.storeSingle(record);
      }
      if (mine()) this.restart("Socket data stream had no more data", undefined, this.backoff());
    } catch (e) {
      if (mine()) this.restart("Error receiving data", e, this.backoff());
    }
  }

  private backoff(): number {
    const base = Math.max(1, this.restartDelayMs);
    const delay = Math.min(Math.max(MAX_BACKOFF_MS, base), base * 2 ** Math.min(this.failures, 16));
    this.failures++;
    return delay;
  }
}
