import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { RequestWriter } from "./protocolCodec.js";

/** `code` of a connection failure or timeout: `classifyClientError` reads it as "unavailable". */
export const NETWORK_ERROR_CODE = "DSTREAM_KAFKA_NETWORK";

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
 * A response is gathered as the socket's chunks and joined once, so an 8 MB fetch is copied
 * once, not once per chunk. A failed connection fails every request on it and is not reused.
 */
export class KafkaConnection {
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private readonly connected: Promise<void>;
  private nextCorrelation = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The size of the response being gathered (its 4-byte prefix excluded), or -1 before the prefix is in. */
  private expected = -1;
  private failure: Error | undefined;

  constructor(private readonly options: ConnectionOptions) {
    const { host, port } = options;
    const where = `${host}:${port}`;
    this.socket = options.tls
      ? tlsConnect({ host, port, servername: host, rejectUnauthorized: options.tls.rejectUnauthorized, ...(options.tls.ca ? { ca: options.tls.ca } : {}) })
      : netConnect({ host, port });
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
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
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

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) return;
        const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : this.join();
        this.expected = head.readInt32BE(0);
      }
      if (this.buffered < 4 + this.expected) return;
      const all = this.join();
      const frame = all.subarray(4, 4 + this.expected);
      const rest = all.subarray(4 + this.expected);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = -1;
      this.deliver(frame);
    }
  }

  private join(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
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
