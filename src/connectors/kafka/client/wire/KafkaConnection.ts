import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { RequestWriter } from "./protocolCodec.js";

/** `code` of a connection failure or timeout: `classifyClientError` reads it as "unavailable". */
export const NETWORK_ERROR_CODE = "DSTREAM_KAFKA_NETWORK";

/** What a TCP connection reads into: the kernel's socket buffer is about this size on Linux. */
const READ_BUFFER_BYTES = 256 * 1024;

export class KafkaNetworkError extends Error {
  readonly code = NETWORK_ERROR_CODE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KafkaNetworkError";
  }
}

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly tls?: { readonly ca?: string; readonly rejectUnauthorized: boolean };
}

interface Pending {
  readonly resolve: (body: Buffer) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One TCP (or TLS) connection to a broker with Kafka's framing: each request carries a
 * correlation id, and responses, which a broker sends in request order, are matched by it.
 * A response is copied, as it arrives, into one buffer of the size its prefix announces; a TCP
 * socket reads into one reused buffer (`onread`) rather than a new one per chunk, so an 8 MB fetch
 * costs one allocation and one copy, and the garbage collector no longer sees a hundred
 * short-lived 64 kB chunks per fetch. A failed connection fails every request on it and is not reused.
 */
export class KafkaConnection {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private readonly connected: Promise<void>;
  private nextCorrelation = 1;
  /** The response being gathered (its 4-byte size prefix excluded), undefined until its prefix is in. */
  private frame: Buffer | undefined;
  private filled = 0;
  private readonly prefix = Buffer.alloc(4);
  private prefixFilled = 0;
  private failure: Error | undefined;

  constructor(private readonly options: ConnectionOptions) {
    const { host, port } = options;
    const where = `${host}:${port}`;
    this.socket = options.tls
      ? tlsConnect({ host, port, servername: host, rejectUnauthorized: options.tls.rejectUnauthorized, ...(options.tls.ca ? { ca: options.tls.ca } : {}) })
      : netConnect({ host, port, onread: { buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES), callback: (n: number, buf: Uint8Array) => this.onBytes(buf as Buffer, n) } });
    this.socket.setNoDelay(true);
    this.connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const e = new KafkaNetworkError(`Connection to ${where} timed out after ${options.connectTimeoutMs} ms`);
        reject(e);
        this.fail(e);
      }, options.connectTimeoutMs);
      this.socket.once(options.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.once("error", (err) => {
        clearTimeout(timer);
        reject(new KafkaNetworkError(`Connection to ${where} failed: ${err.message}`, { cause: err }));
      });
    });
    // Rejections reach the caller through request(); this keeps an unawaited one from being unhandled.
    this.connected.catch(() => undefined);
    if (options.tls) this.socket.on("data", (chunk: Buffer) => this.onBytes(chunk, chunk.length));
    this.socket.on("error", (err) => this.fail(new KafkaNetworkError(`Connection to ${where} failed: ${err.message}`, { cause: err })));
    this.socket.on("close", () => this.fail(new KafkaNetworkError(`Connection to ${where} was closed by the broker`)));
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  /** Sends a request (the body after the header) and resolves with the response body after its correlation id. */
  async request(apiKey: number, apiVersion: number, body: (w: RequestWriter) => void, timeoutMs: number): Promise<Buffer> {
    await this.connected;
    if (this.failure) throw this.failure;
    const correlation = this.nextCorrelation++;
    const w = new RequestWriter().int16(apiKey).int16(apiVersion).int32(correlation).string(this.options.clientId);
    body(w);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        const e = new KafkaNetworkError(`Request ${apiKey} v${apiVersion} to ${this.options.host}:${this.options.port} got no answer within ${timeoutMs} ms`);
        // A late answer would be matched to nothing and the connection's order is lost: drop it.
        this.fail(e);
      }, timeoutMs);
      this.pending.set(correlation, { resolve, reject, timer });
      this.socket.write(w.framed());
    });
  }

  /** Takes `buf[0, n)`, which the caller reuses afterwards: every byte kept is copied out. */
  private onBytes(buf: Buffer, n: number): true {
    let p = 0;
    while (p < n && this.failure === undefined) {
      if (this.frame === undefined) {
        const take = Math.min(4 - this.prefixFilled, n - p);
        buf.copy(this.prefix, this.prefixFilled, p, p + take);
        this.prefixFilled += take;
        p += take;
        if (this.prefixFilled < 4) return true;
        this.prefixFilled = 0;
        const size = this.prefix.readInt32BE(0);
        if (size < 4) {
          this.fail(new KafkaNetworkError(`Broker ${this.options.host}:${this.options.port} sent a response of ${size} bytes, too short for a correlation id: the stream is not Kafka's protocol`));
          return true;
        }
        this.frame = Buffer.allocUnsafe(size);
        this.filled = 0;
      }
      const take = Math.min(this.frame.length - this.filled, n - p);
      buf.copy(this.frame, this.filled, p, p + take);
      this.filled += take;
      p += take;
      if (this.filled === this.frame.length) {
        const frame = this.frame;
        this.frame = undefined;
        this.deliver(frame);
      }
    }
    // true: keep reading (onread pauses the socket on false).
    return true;
  }

  private deliver(frame: Buffer): void {
    const correlation = frame.readInt32BE(0);
    const p = this.pending.get(correlation);
    if (!p) {
      this.fail(new KafkaNetworkError(`Broker ${this.options.host}:${this.options.port} answered an unknown request (correlation id ${correlation})`));
      return;
    }
    this.pending.delete(correlation);
    clearTimeout(p.timer);
    p.resolve(frame.subarray(4));
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
    this.socket.destroy();
  }

  close(): void {
    this.fail(new KafkaNetworkError(`Connection to ${this.options.host}:${this.options.port} was closed`));
  }
}
