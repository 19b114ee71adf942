import { createConnection, type Socket } from "node:net";
import type avro from "avsc";
import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { FlumeException } from "./FlumeException.js";
import { describe, toSparkFlumeEvent } from "./FlumeReceiver.js";
import { NettyFrameDecoder, NettyFrameEncoder } from "./NettyFrameCodec.js";
import { sparkFlumeService, type WireEventBatch } from "./protocols.js";
import type { SparkFlumeEvent } from "./SparkFlumeEvent.js";

/** A SparkSink's address, as Spark's `InetSocketAddress`. */
export interface FlumeAddress {
  host: string;
  port: number;
}

/** SparkSink answers an empty channel with an error batch of this text (SparkSink's TransactionProcessor). */
const NO_EVENTS = "Tried several times, but did not get any events from the channel!";
/** Pause before asking an idle sink again; the sink itself already waited between its attempts. */
const IDLE_PAUSE_MS = 100;
/**
 * How long an ack or nack may take. getEventBatch has no limit: the sink answers it only once the
 * channel has an event, so an idle channel keeps it waiting, as in Spark; a dead agent shows as a
 * closed connection, and TCP keep-alive finds a silent one.
 */
const CALL_TIMEOUT_MS = 60_000;
const KEEPALIVE_MS = 10_000;

interface SinkConnection {
  where: string;
  socket: Socket;
  client: avro.Service.Client;
}

/**
 * The pull model's receiver (Spark's FlumePollingReceiver): it asks each SparkSink (Spark's sink
 * that runs inside the Flume agent) for batches of up to `maxBatchSize` events with
 * `getEventBatch`, stores each batch as one block through the reliable `store`, and only then
 * sends `ack`, which commits the sink's channel transaction. If storing fails it sends `nack`,
 * which rolls the transaction back; a receiver that dies before either, or whose ack comes after
 * the sink's transaction `timeout`, leaves the sink to roll back. Either way the agent sends the
 * events again, so no event is lost and delivery is at-least-once.
 *
 * As in Spark, there is one connection per address, and a connection carries one exchange
 * (getEventBatch, store, ack or nack) at a time: `parallelism` exchanges run at once, at most one
 * per address. The sink's Avro server answers the calls of a connection one after another, and
 * getEventBatch waits there until the channel has an event, so an ack sent behind another
 * exchange's getEventBatch would wait for the channel to fill, or for the transaction to time
 * out and its events to be sent again.
 */
export class FlumePollingReceiver extends Receiver<SparkFlumeEvent> {
  private connections: SinkConnection[] = [];
  /** Connections no exchange holds, and the fetch loops waiting for one. */
  private idle: SinkConnection[] = [];
  private waiting: Array<(c: SinkConnection | undefined) => void> = [];
  private generation = 0;

  constructor(
    readonly addresses: readonly FlumeAddress[],
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
    readonly maxBatchSize = 1000,
    readonly parallelism = 5,
  ) {
    super(storageLevel);
  }

  async onStart(): Promise<void> {
    const generation = ++this.generation;
    try {
      this.connections = await Promise.all(this.addresses.map((a) => this.connect(a)));
    } catch (e) {
      if (generation === this.generation) this.restart(describe(e), e);
      return;
    }
    if (generation !== this.generation || this.isStopped()) return this.closeAll();
    this.idle = [...this.connections];
    for (let i = 0; i < this.parallelism; i++) void this.fetchLoop(generation);
  }

  onStop(): void {
    this.generation++;
    this.closeAll();
  }

  private closeAll(): void {
    for (const c of this.connections) {
      c.client.destroyChannels({ noWait: true });
      c.socket.destroy();
    }
    this.connections = [];
    this.idle = [];
    for (const w of this.waiting.splice(0)) w(undefined);
  }

  /** The next connection no exchange holds, once there is one; undefined once the receiver stops. */
  private acquire(): Promise<SinkConnection | undefined> {
    const c = this.idle.shift();
    if (c !== undefined || this.connections.length === 0) return Promise.resolve(c);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(conn: SinkConnection): void {
    if (!this.connections.includes(conn)) return;
    const w = this.waiting.shift();
    if (w) w(conn);
    else this.idle.push(conn);
  }

  private connect(address: FlumeAddress): Promise<SinkConnection> {
    const where = `${address.host}:${address.port}`;
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: address.host, port: address.port });
      socket.setNoDelay(true);
      socket.setKeepAlive(true, KEEPALIVE_MS);
      socket.once("error", (e: NodeJS.ErrnoException) => {
        reject(new FlumeException(
          `Flume: cannot connect to the SparkSink at ${where} (${e.code ?? e.message}); start the Flume agent whose sink has type org.apache.spark.streaming.flume.sink.SparkSink with hostname and port ${where} (scripts/flume.sh start runs one on 127.0.0.1:41415), or fix the address given to FlumeUtils.createPollingStream`,
          { cause: e },
        ));
      });
      socket.once("connect", () => {
        const decoder = new NettyFrameDecoder(`the SparkSink at ${where}`);
        const encoder = new NettyFrameEncoder();
        socket.pipe(decoder);
        encoder.pipe(socket);
        const client = sparkFlumeService().createClient({ buffering: false, timeout: CALL_TIMEOUT_MS, strictTypes: true } as Partial<avro.Service.ClientOptions>);
        client.on("error", () => undefined);
        client.createChannel({ readable: decoder, writable: encoder } as unknown as avro.Service.Transport, { objectMode: true });
        const conn: SinkConnection = { where, socket, client };
        const broken = (message: string, e?: unknown): void => {
          if (this.isStopped() || !this.connections.includes(conn)) return;
          this.restart(`${message}; reconnecting`, e);
        };
        decoder.on("error", (e) => {
          socket.destroy();
          // The decoder's message names the peer, the bad value and what to check.
          broken(describe(e), e);
        });
        socket.on("error", (e) => broken(`Flume: the connection to the SparkSink at ${where} failed`, e));
        socket.on("close", () => broken(`Flume: the connection to the SparkSink at ${where} closed`));
        logger().info(`Flume: polling the SparkSink at ${where} for stream ${this.streamId}`);
        resolve(conn);
      });
    });
  }

  private call<T>(conn: SinkConnection, name: string, req: Record<string, unknown>, timeout = CALL_TIMEOUT_MS): Promise<T> {
    return new Promise((resolve, reject) => {
      conn.client.emitMessage<T>(name, req, { timeout }, (err: unknown, res?: T) => {
        if (err) reject(err);
        else resolve(res as T);
      });
    });
  }

  private async fetchLoop(generation: number): Promise<void> {
    while (generation === this.generation && !this.isStopped()) {
      const conn = await this.acquire();
      if (conn === undefined) return;
      if (!(await this.exchange(conn, generation))) return;
      this.release(conn);
    }
  }

  /** One getEventBatch, store, ack or nack on a connection this exchange holds; false once the loop must end. */
  private async exchange(conn: SinkConnection, generation: number): Promise<boolean> {
    let batch: WireEventBatch;
    try {
      batch = await this.call<WireEventBatch>(conn, "getEventBatch", { n: this.maxBatchSize }, 0);
    } catch (e) {
      if (generation === this.generation && !this.isStopped()) this.restart(`Flume: getEventBatch from the SparkSink at ${conn.where} failed: ${describe(e)}; reconnecting`, e);
      return false;
    }
    if (batch.errorMsg !== "") {
      // An idle channel is normal; any other error batch is the agent's trouble, worth showing.
      if (batch.errorMsg === NO_EVENTS) logger().debug(`Flume: no events at the SparkSink at ${conn.where}`);
      else this.reportError(`Flume: the SparkSink at ${conn.where} could not give a batch: ${batch.errorMsg}`);
      await pause(IDLE_PAUSE_MS);
      return true;
    }
    if (generation !== this.generation || this.isStopped()) {
      await this.call(conn, "nack", { sequenceNumber: batch.sequenceNumber }).catch(() => undefined);
      return false;
    }
    try {
      if (batch.events.length > 0) await this.store(batch.events.map(toSparkFlumeEvent));
    } catch (e) {
      this.reportError(`Flume: could not store batch ${batch.sequenceNumber} of ${batch.events.length} events from the SparkSink at ${conn.where}; sent nack so that the agent sends it again`, e);
      await this.call(conn, "nack", { sequenceNumber: batch.sequenceNumber }).catch(() => undefined);
      await pause(IDLE_PAUSE_MS);
      return true;
    }
    try {
      await this.call(conn, "ack", { sequenceNumber: batch.sequenceNumber });
    } catch (e) {
      // Stored but not acknowledged: the sink rolls back and sends the batch again (a duplicate).
      if (generation === this.generation && !this.isStopped()) this.restart(`Flume: ack of batch ${batch.sequenceNumber} to the SparkSink at ${conn.where} failed: ${describe(e)}; reconnecting`, e);
      return false;
    }
    return true;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
