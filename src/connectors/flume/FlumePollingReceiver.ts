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
/** How long one call may take; SparkSink answers within its own transaction timeout. */
const CALL_TIMEOUT_MS = 60_000;

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
 * which rolls the transaction back; a receiver that dies before either leaves the sink to roll
 * back after its transaction timeout. Either way the agent sends the batch again, so no event is
 * lost and delivery is at-least-once. `parallelism` batches are in flight at once, spread over
 * the addresses.
 */
export class FlumePollingReceiver extends Receiver<SparkFlumeEvent> {
  private connections: SinkConnection[] = [];
  private generation = 0;
  private next = 0;

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
  }

  private connect(address: FlumeAddress): Promise<SinkConnection> {
    const where = `${address.host}:${address.port}`;
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: address.host, port: address.port });
      socket.setNoDelay(true);
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
        const broken = (why: string, e?: unknown): void => {
          if (this.isStopped() || !this.connections.includes(conn)) return;
          this.restart(`Flume: the connection to the SparkSink at ${where} ${why}; reconnecting`, e);
        };
        decoder.on("error", (e) => {
          socket.destroy();
          broken("sent a malformed frame", e);
        });
        socket.on("error", (e) => broken("failed", e));
        socket.on("close", () => broken("closed"));
        logger().info(`Flume: polling the SparkSink at ${where} for stream ${this.streamId}`);
        resolve(conn);
      });
    });
  }

  private call<T>(conn: SinkConnection, name: string, req: Record<string, unknown>): Promise<T> {
    return new Promise((resolve, reject) => {
      conn.client.emitMessage<T>(name, req, {}, (err: unknown, res?: T) => {
        if (err) reject(err);
        else resolve(res as T);
      });
    });
  }

  private async fetchLoop(generation: number): Promise<void> {
    while (generation === this.generation && !this.isStopped() && this.connections.length > 0) {
      const conn = this.connections[this.next++ % this.connections.length]!;
      let batch: WireEventBatch;
      try {
        batch = await this.call<WireEventBatch>(conn, "getEventBatch", { n: this.maxBatchSize });
      } catch (e) {
        if (generation === this.generation && !this.isStopped()) this.restart(`Flume: getEventBatch from the SparkSink at ${conn.where} failed: ${describe(e)}; reconnecting`, e);
        return;
      }
      if (batch.errorMsg !== "") {
        // An idle channel is normal; any other error batch is the agent's trouble, worth showing.
        if (batch.errorMsg === NO_EVENTS) logger().debug(`Flume: no events at the SparkSink at ${conn.where}`);
        else this.reportError(`Flume: the SparkSink at ${conn.where} could not give a batch: ${batch.errorMsg}`);
        await pause(IDLE_PAUSE_MS);
        continue;
      }
      if (generation !== this.generation || this.isStopped()) {
        await this.call(conn, "nack", { sequenceNumber: batch.sequenceNumber }).catch(() => undefined);
        return;
      }
      try {
        if (batch.events.length > 0) await this.store(batch.events.map(toSparkFlumeEvent));
      } catch (e) {
        this.reportError(`Flume: could not store batch ${batch.sequenceNumber} of ${batch.events.length} events from the SparkSink at ${conn.where}; sent nack so that the agent sends it again`, e);
        await this.call(conn, "nack", { sequenceNumber: batch.sequenceNumber }).catch(() => undefined);
        await pause(IDLE_PAUSE_MS);
        continue;
      }
      try {
        await this.call(conn, "ack", { sequenceNumber: batch.sequenceNumber });
      } catch (e) {
        // Stored but not acknowledged: the sink rolls back and sends the batch again (a duplicate).
        if (generation === this.generation && !this.isStopped()) this.restart(`Flume: ack of batch ${batch.sequenceNumber} to the SparkSink at ${conn.where} failed: ${describe(e)}; reconnecting`, e);
        return;
      }
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
