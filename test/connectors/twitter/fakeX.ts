/**
 * A loopback server speaking X API v2's filtered-stream endpoints, with response shapes recorded
 * from X's documentation: rules GET/POST, and a stream of NDJSON tweets with `\r\n` keep-alives.
 * Each stream connection plays the next scripted scenario: tweets (cut into chunks anywhere),
 * then a dropped connection, a stall, or staying open; or an HTTP error such as 429.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** A tweet to send, or `line`: a raw stream line sent as it is. */
export type ScriptedTweet = { id: string; text: string; tag?: string } | { line: string };
export type Scenario = { status: number } | { tweets: ScriptedTweet[]; then: "drop" | "stall" | "open" };

export class FakeX {
  rules: { id: string; value: string }[] = [];
  /** Rule values the server refuses, as X does an invalid rule: 201 with the rule under `errors`. */
  readonly invalidRules = new Set<string>();
  readonly ruleRequests: unknown[] = [];
  readonly streamRequests: { query: URLSearchParams; authorization: string | undefined }[] = [];
  private readonly sockets = new Set<Socket>();
  private nextRule = 100;
  private constructor(
    private readonly server: Server,
    private readonly scenarios: Scenario[],
  ) {}

  get apiBase(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  static async start(scenarios: Scenario[]): Promise<FakeX> {
    let fake: FakeX | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    fake = new FakeX(server, scenarios);
    server.on("connection", (s) => {
      fake!.sockets.add(s);
      s.once("close", () => fake!.sockets.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return fake;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/2/tweets/search/stream/rules") return this.handleRules(req, res);
    if (url.pathname !== "/2/tweets/search/stream") return void res.writeHead(404).end();
    this.streamRequests.push({ query: url.searchParams, authorization: req.headers.authorization });
    const scenario = this.scenarios.shift() ?? { tweets: [], then: "open" };
    if ("status" in scenario) {
      res.writeHead(scenario.status, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ title: scenario.status === 429 ? "Too Many Requests" : "Error", detail: "scripted", type: "about:blank", status: scenario.status }));
    }
    res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
    res.write("\r\n"); // a keep-alive before any data
    const ndjson = scenario.tweets
      .map((t) => ("line" in t ? t.line + "\r\n" : JSON.stringify({ data: { id: t.id, text: t.text, author_id: "42", created_at: "2026-12-07T00:00:00.000Z", lang: "en", edit_history_tweet_ids: [t.id] }, matching_rules: [{ id: "100", tag: t.tag ?? "spark" }] }) + "\r\n\r\n"))
      .join("");
    // Chunks cut every 37 bytes, so lines and UTF-8 characters straddle chunks.
    for (let i = 0; i < ndjson.length; i += 37) await new Promise<void>((r) => res.write(ndjson.slice(i, i + 37), () => r()));
    if (scenario.then === "drop") req.socket.destroy();
    if (scenario.then === "open") {
      // X sends a keep-alive at least every 20 s; the stand-in does so often, so only "stall" stalls.
      const timer = setInterval(() => res.write("\r\n"), 50);
      res.once("close", () => clearInterval(timer));
    }
  }

  private async handleRules(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (status: number, body: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.method === "GET") return json(200, this.rules.length ? { data: this.rules, meta: { sent: "2026-12-07T00:00:00.000Z", result_count: this.rules.length } } : { meta: { sent: "2026-12-07T00:00:00.000Z", result_count: 0 } });
    let body = "";
    for await (const c of req) body += String(c);
    const parsed = JSON.parse(body) as { add?: { value: string }[]; delete?: { ids: string[] } };
    this.ruleRequests.push(parsed);
    if (parsed.delete) this.rules = this.rules.filter((r) => !parsed.delete!.ids.includes(r.id));
    const refused = (parsed.add ?? []).filter((a) => this.invalidRules.has(a.value));
    const added = (parsed.add ?? []).filter((a) => !this.invalidRules.has(a.value)).map((a) => ({ id: String(this.nextRule++), value: a.value }));
    this.rules.push(...added);
    const errors = refused.map((a) => ({ value: a.value, details: ["Reference to invalid operator 'bogus:'"], title: "UnprocessableEntity", type: "https://api.twitter.com/2/problems/invalid-rules" }));
    const summary = parsed.add ? { created: added.length, not_created: refused.length, valid: added.length, invalid: refused.length } : { deleted: parsed.delete!.ids.length };
    json(parsed.add ? 201 : 200, { data: added, meta: { sent: "2026-12-07T00:00:00.000Z", summary }, ...(errors.length ? { errors } : {}) });
  }
}
