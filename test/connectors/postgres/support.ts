/** The PostgreSQL the sink tests write to (scripts/services.sh), a table per test, and a TCP proxy to cut it off. */
import { after, before } from "node:test";
import { createServer, connect, type Server, type Socket } from "node:net";
import pg from "pg";
import { POSTGRES_URL, SERVICE_PORTS, freePort, requireService, uniqueName } from "../services.js";

export { POSTGRES_URL };

let client: pg.Client | undefined;

/** Checks the server once per file (failing with the command that starts it) and returns a query function. */
export function usePostgres(): (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>> {
  before(async () => {
    await requireService("postgresql", async () => {
      client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
    });
  });
  after(async () => {
    await client?.end();
  });
  return async (sql, params) => {
    if (!client) throw new Error("the PostgreSQL test client is not connected");
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  };
}

/** A table name no other test or run uses (letters, digits and _ only). */
export function uniqueTable(prefix: string): string {
  return uniqueName(prefix).replace(/[^A-Za-z0-9_]/g, "_").toLowerCase();
}

/**
 * A TCP proxy in front of the shared server, so a test can make "the server" go away and
 * come back without touching the server every helper shares.
 */
export class PgProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(readonly port: number) {}

  static async start(): Promise<PgProxy> {
    const p = new PgProxy(await freePort());
    await p.up();
    return p;
  }

  get url(): string {
    return `postgres://dstream:dstream@127.0.0.1:${this.port}/dstream`;
  }

  async up(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect({ host: "127.0.0.1", port: SERVICE_PORTS.postgresql });
      this.sockets.add(inbound).add(outbound);
      for (const s of [inbound, outbound]) {
        s.on("error", () => undefined);
        s.on("close", () => {
          this.sockets.delete(s);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Refuses new connections and cuts the open ones. */
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
