/**
 * The source side of the receiver crash test: a TCP server on 127.0.0.1 that releases numbered
 * lines over time, sends each connection the released lines not yet acknowledged, and counts a
 * line as delivered only when the application acknowledges it ("ACK <n>" covers every line up
 * to n sent on that connection). Unacknowledged lines are sent again on the next connection,
 * which is what makes a reliable receiver at-least-once.
 */
import { createServer, type Server, type Socket } from "node:net";

export class AckingLineServer {
  /** How many times each line was sent. */
  readonly sendCount: number[];
  private acked = -1;
  private released = 0;
  private readonly server: Server;
  private current: { socket: Socket; next: number } | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(readonly lines: readonly string[]) {
    this.sendCount = lines.map(() => 0);
    this.server = createServer((socket) => this.onConnection(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Lines acknowledged so far: 0..acknowledged-1. */
  get acknowledged(): number {
    return this.acked + 1;
  }

  /** Makes the next `n` lines available to send. */
  release(n: number): void {
    this.released = Math.min(this.lines.length, this.released + n);
    this.pump();
  }

  get releasedCount(): number {
    return this.released;
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    this.current?.socket.destroy();
    // A new connection starts over from the first line not acknowledged.
    const conn = { socket, next: this.acked + 1 };
    this.current = conn;
    let partial = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      for (const p of parts) {
        const m = /^ACK (\d+)$/.exec(p);
        if (m && this.current === conn) this.acked = Math.max(this.acked, Number(m[1]));
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (this.current === conn) this.current = undefined;
    });
    this.pump();
  }

  private pump(): void {
    const c = this.current;
    if (!c || c.socket.destroyed) return;
    let out = "";
    while (c.next < this.released) {
      out += this.lines[c.next] + "\n";
      this.sendCount[c.next]!++;
      c.next++;
    }
    if (out) c.socket.write(out);
  }

  /** Stops listening and drops every connection (close alone would wait for them). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
