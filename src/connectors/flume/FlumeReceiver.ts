import { createServer, type Server, type Socket } from "node:net";
import { constants as zlibConstants, createDeflate, createInflate } from "node:zlib";
import type { Readable, Writable } from "node:stream";
import type avro from "avsc";
import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { FlumeException } from "./FlumeException.js";
import { NettyFrameDecoder, NettyFrameEncoder } from "./NettyFrameCodec.js";
import { avroSourceService, type AvroStatus, type WireEvent } from "./protocols.js";
import type { SparkFlumeEvent } from "./SparkFlumeEvent.js";

/**
 * The push model's receiver (Spark's FlumeReceiver): an Avro-RPC server speaking Flume's
 * AvroSourceProtocol, to which a Flume agent's Avro sink sends its events.
 *
 * Stronger than Spark's: every `append` and `appendBatch` is stored as one block through the
 * reliable `store`, which resolves once the block is stored (and written to the write-ahead log
 * when `spark.streaming.receiver.writeAheadLog.enable` is on), and only then is the sink answered
 * OK. If storing fails the sink is answered FAILED, so it rolls its channel transaction back and
 * sends the batch again: an event the agent saw acknowledged is never lost. The sink's retries
 * can deliver a batch twice (stored, then the connection broke before OK arrived), so delivery
 * is at-least-once.
 *
 * With `enableDecompression` the connection is zlib in both directions, which is what the Avro
 * sink's `compression-type = deflate` speaks (Netty's ZlibEncoder/ZlibDecoder pair).
 */
export class FlumeReceiver extends Receiver<SparkFlumeEvent> {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private failures = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
    readonly enableDecompression = false,
  ) {
    super(storageLevel);
  }

  override get preferredLocation(): string {
    return this.host;
  }

  onStart(): void {
    const where = `${this.host}:${this.port}`;
    const avroServer = avroSourceService().createServer({ silent: true } as Partial<avro.Service.ServerOptions>);
    avroServer.onMessage<AvroStatus>("appendBatch", (req: { events: WireEvent[] }, cb: (err: unknown, status?: AvroStatus) => void) => {
      this.storeEvents(req.events).then((status) => cb(null, status), cb);
    });
    avroServer.onMessage<AvroStatus>("append", (req: { event: WireEvent }, cb: (err: unknown, status?: AvroStatus) => void) => {
      this.storeEvents([req.event]).then((status) => cb(null, status), cb);
    });
    avroServer.on("error", (err: unknown) => {
      // The first request of a connection names no protocol, only its hash; the answer asks the
      // sink to send it. That is Avro's handshake working, not a failure.
      if ((err as { rpcCode?: string }).rpcCode === "UNKNOWN_PROTOCOL") return;
      if (!this.isStopped()) this.reportError(`Flume: a request to the Avro source at ${where} could not be decoded or answered: ${describe(err)}; the sender must speak Flume's AvroSourceProtocol (a Flume Avro sink or RpcClient)`, err);
    });
    const server = createServer((socket) => this.accept(socket, avroServer));
    this.server = server;
    server.on("error", (e: NodeJS.ErrnoException) => {
      if (this.server !== server || this.isStopped()) return;
      const fix = e.code === "EADDRINUSE"
        ? `another process listens on ${where}: stop it, or give FlumeUtils.createStream another port (and the agent's Avro sink the same one)`
        : e.code === "EADDRNOTAVAIL"
          ? `${this.host} is not an address of this machine: pass one it has, such as 127.0.0.1`
          : "check the host and port given to FlumeUtils.createStream";
      this.restart(`Flume: cannot listen for Avro sinks on ${where} (${e.code ?? e.message}); ${fix}`, new FlumeException(`Flume: cannot listen on ${where}: ${e.message}`, { cause: e }), this.backoff());
    });
    server.listen(this.port, this.host, () => {
      this.failures = 0;
      logger().info(`Flume: Avro source for stream ${this.streamId} listening on ${where}${this.enableDecompression ? " (zlib)" : ""}`);
    });
  }

  onStop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  /** Stores a request's events as one block; the Avro sink learns OK only once it is stored. */
  private async storeEvents(events: WireEvent[]): Promise<AvroStatus> {
    if (events.length === 0) return "OK";
    if (this.isStopped()) return "FAILED";
    try {
      await this.store(events.map(toSparkFlumeEvent));
      return "OK";
    } catch (e) {
      this.reportError(`Flume: could not store ${events.length} events from the Avro sink; answered FAILED so that the agent sends them again`, e);
      return "FAILED";
    }
  }

  private accept(socket: Socket, avroServer: avro.Service.Server): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let input: Readable = socket;
    let output: Writable = socket;
    let reported = false;
    // The first failure of a connection is the one worth reporting; the rest follow from it.
    const failed = (e: Error): void => {
      if (reported) return;
      reported = true;
      socket.destroy();
      if (!this.isStopped()) this.reportError(e instanceof FlumeException ? e.message : `Flume: connection from ${peer} failed: ${e.message}`, e);
    };
    if (this.enableDecompression) {
      const inflate = createInflate();
      // A connection that sent nothing (a port probe) ends the inflater early: not an error.
      inflate.on("error", (e) => socket.bytesRead > 0 && failed(new FlumeException(
        `Flume: the data from ${peer} is not zlib-compressed (${e.message}), but the stream was created with enableDecompression = true; set the Avro sink's compression-type = deflate, or create the stream without decompression`,
        { cause: e },
      )));
      socket.pipe(inflate);
      input = inflate;
      const deflate = createDeflate({ flush: zlibConstants.Z_SYNC_FLUSH });
      deflate.pipe(socket);
      output = deflate;
    }
    const decoder = new NettyFrameDecoder(`the Avro sink at ${peer}`);
    const encoder = new NettyFrameEncoder();
    decoder.on("error", failed);
    input.pipe(decoder);
    encoder.pipe(output);
    socket.on("error", (e) => failed(e));
    socket.on("close", () => {
      this.sockets.delete(socket);
      channel.destroy(true);
    });
    const channel = avroServer.createChannel({ readable: decoder, writable: encoder } as unknown as avro.Service.Transport, { objectMode: true });
    // A Java client that reconnects to a new server process guesses the server's hash right but
    // is unknown to it; avsc then answers NONE without the server's protocol, on which Java's
    // Requestor fails with a NullPointerException and the sink never recovers. Java's own
    // Responder always sends its protocol unless the match is BOTH; so do we.
    channel.on("handshake", (_req: unknown, res: { match: string; serverProtocol: string | null; serverHash: Buffer | null }) => {
      if (res.match !== "BOTH" && res.serverProtocol === null) {
        res.serverProtocol = JSON.stringify(avroServer.service.protocol);
        res.serverHash = avroServer.service.hash;
      }
    });
  }

  private backoff(): number {
    const base = Math.max(1, this.restartDelayMs);
    const delay = Math.min(Math.max(30_000, base), base * 2 ** Math.min(this.failures, 16));
    this.failures++;
    return delay;
  }
}

export function toSparkFlumeEvent(e: WireEvent): SparkFlumeEvent {
  return { event: { headers: e.headers, body: e.body } };
}

export function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? `${e.message} (${cause.message})` : e.message;
  }
  return String(e);
}
