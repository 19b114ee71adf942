import type { IncomingMessage, ServerResponse } from "node:http";

/** One named Server-Sent Event; `data` is sent as JSON. */
export interface UiEvent {
  event: string;
  data: unknown;
}

/**
 * The clients of `/events`. Each connection first gets a `snapshot` event with the whole state
 * its page shows, then every change in order, so a page never has to fetch state and subscribe
 * separately (and never sees a change twice or misses one in between).
 */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private nextId = 0;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(
    private readonly snapshot: () => unknown,
    /** Each client holds a socket and a copy of every event: without a cap, anyone who can reach the UI can exhaust them. */
    private readonly maxClients: number,
  ) {
    // Proxies and browsers drop a connection that stays silent for long; a comment line keeps it open.
    this.keepAlive = setInterval(() => this.writeAll(": keep-alive\n\n"), 15_000);
    this.keepAlive.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  connect(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      res.writeHead(503, { "Content-Type": "text/plain; charset=utf-8", "Retry-After": "10", "Cache-Control": "no-store" });
      res.end(
        `The UI serves at most ${this.maxClients} live-update connections (spark.ui.liveUpdate.maxConnections), and all are in use. ` +
          "Close another page, or raise the setting; the pages still work without live updates when reloaded.\n",
      );
      return;
    }
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    // A reconnecting EventSource waits `retry` ms; the default 3 s would leave a page stale after a hiccup.
    res.write("retry: 1000\n\n");
    res.write(format(this.nextId++, { event: "snapshot", data: this.snapshot() }));
    this.clients.add(res);
    const drop = (): void => {
      this.clients.delete(res);
    };
    req.on("close", drop);
    res.on("close", drop);
    res.on("error", drop);
  }

  publish(e: UiEvent): void {
    if (this.clients.size === 0) return;
    this.writeAll(format(this.nextId++, e));
  }

  private writeAll(chunk: string): void {
    for (const res of this.clients) {
      if (res.writableEnded || res.destroyed) this.clients.delete(res);
      else res.write(chunk);
    }
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function format(id: number, e: UiEvent): string {
  return `id: ${id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
