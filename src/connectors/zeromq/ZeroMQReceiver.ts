import type { Socket } from "zeromq";
import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";

/** Turns one message's frames into records (Bahir's `bytesToObjects`). */
export type BytesToObjects<T> = (frames: Buffer[]) => Iterable<T>;

/** Which ZeroMQ pattern the receiver speaks: PUB/SUB (fan-out, topic first frame) or PUSH/PULL (work distribution). */
export type ZeroMQSocketKind = "sub" | "pull";

/**
 * Receives from a ZeroMQ peer (Bahir's ZeroMQReceiver). The socket is created, read and closed
 * on the driver's event loop, the receiver's only thread: zeromq's addon crashes when a worker
 * holding sockets exits (zeromq.js#411), so no socket ever lives in a worker. The addon itself is
 * loaded only when the receiver starts, on the driver: executors that reload an application's
 * module on worker threads never load it.
 *
 * ZeroMQ reconnects by itself when the peer goes away and comes back, and a SUB socket re-sends
 * its subscriptions, so a restarting peer needs no receiver restart. Records go to the block
 * generator one by one (ZeroMQ has no ack to hold back), and from there to the WAL when enabled.
 */
export class ZeroMQReceiver<T> extends Receiver<T> {
  private socket: Socket | undefined;
  private dropped = 0;

  constructor(
    readonly url: string,
    readonly kind: ZeroMQSocketKind,
    readonly topics: readonly Uint8Array[],
    private readonly bytesToObjects: BytesToObjects<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  /** Messages whose frames `bytesToObjects` could not convert (each one reported as an error). */
  get droppedMessages(): number {
    return this.dropped;
  }

  async onStart(): Promise<void> {
    const { Pull, Subscriber } = await import("zeromq");
    if (this.isStopped()) return;
    const socket = this.kind === "sub" ? new Subscriber() : new Pull();
    try {
      if (socket instanceof Subscriber) {
        if (this.topics.length === 0) socket.subscribe();
        else for (const t of this.topics) socket.subscribe(Buffer.from(t));
      }
      socket.connect(this.url);
    } catch (e) {
      socket.close();
      throw new Error(`ZeroMQ: cannot connect a ${this.kind.toUpperCase()} socket to ${this.url}: ${(e as Error).message}; check the publisher URL (e.g. tcp://127.0.0.1:5555)`, { cause: e });
    }
    this.socket = socket;
    logger().info(`ZeroMQ ${this.kind.toUpperCase()} receiver connecting to ${this.url}`);
    this.watchPeer(socket);
    void this.receiveLoop(socket);
  }

  onStop(): void {
    const s = this.socket;
    this.socket = undefined;
    // linger 0: a stopped receiver must not hold the process open waiting to flush subscriptions.
    if (s) {
      s.linger = 0;
      s.close();
    }
  }

  /**
   * ZeroMQ hides a missing peer: connect succeeds and retries in the background. The socket's
   * monitor events make it visible: the first failed attempt and each disconnect are reported
   * once (streaming listeners, the UI's receiver table), until the peer is connected again.
   */
  private watchPeer(socket: Socket): void {
    const kind = this.kind.toUpperCase();
    const lost = this.kind === "sub" ? "messages published meanwhile are lost" : "the PUSH peer keeps its messages until a puller connects";
    let down = false;
    const report = (message: string): void => {
      if (down || this.socket !== socket || this.isStopped()) return;
      down = true;
      this.reportError(message);
    };
    const events = socket.events;
    events.on("connect", () => (down = false));
    events.on("connect:retry", ({ interval }) =>
      report(`ZeroMQ: cannot connect the ${kind} socket to ${this.url}: no peer is bound there; ZeroMQ retries by itself (every ${interval} ms) and ${lost}; start the peer that binds ${this.url}, or fix the URL`),
    );
    events.on("disconnect", () => report(`ZeroMQ: the peer at ${this.url} disconnected; ZeroMQ reconnects by itself and ${lost}`));
  }

  private async receiveLoop(socket: Socket & { receive(): Promise<Buffer[]> }): Promise<void> {
    const mine = (): boolean => this.socket === socket && !this.isStopped();
    try {
      while (mine()) {
        const frames = await socket.receive();
        if (!mine()) return;
        this.storeMessage(frames);
      }
    } catch (e) {
      if (mine()) this.restart(`ZeroMQ: error receiving from ${this.url}`, e);
    }
  }

  private storeMessage(frames: Buffer[]): void {
    // Bahir ignores the first frame of a PUB/SUB message: it is the topic. PULL has no envelope.
    const payload = this.kind === "sub" ? frames.slice(1) : frames;
    let records: T[];
    try {
      records = [...this.bytesToObjects(payload)];
    } catch (e) {
      this.dropped++;
      this.reportError(
        `ZeroMQ: bytesToObjects threw on a message from ${this.url} (${payload.length} frame(s) of ${payload.map((f) => f.length).join("+")} bytes); ` +
          `the message was skipped (${this.dropped} so far) and records already received are kept; make bytesToObjects accept every message the peer sends`,
        e,
      );
      return;
    }
    for (const r of records) this.storeSingle(r);
  }
}
