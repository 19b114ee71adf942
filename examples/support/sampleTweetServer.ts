import { createServer, type ServerResponse } from "node:http";

/**
 * A loopback stand-in for X API v2's filtered stream, for TwitterPopularTags when no bearer token
 * is given: it accepts any rules and streams made-up tweets with hashtags as NDJSON with `\r\n`
 * keep-alives. It never keeps the process alive by itself.
 */
export async function startSampleTweetServer(tweetsPerSecond = 20): Promise<{ apiBase: string; close(): void }> {
  const tags = ["#spark", "#dstream", "#typescript", "#nodejs", "#streaming", "#kafka", "#zeromq"];
  let id = 0;
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/2/tweets/search/stream/rules") {
      res.writeHead(req.method === "GET" ? 200 : 201, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ meta: { sent: new Date().toISOString(), result_count: 0 } }));
    }
    if (path !== "/2/tweets/search/stream") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" });
    streams.add(res);
    const timer = setInterval(() => {
      for (let k = 0; k < Math.max(1, Math.round(tweetsPerSecond / 10)); k++) {
        const n = id++;
        // Skewed on purpose, so the top of the list is stable: tag i appears about 1/(i+1) as often.
        const tag = tags[Math.floor(tags.length * Math.random() ** 2)]!;
        const data = { id: String(n), text: `sample tweet ${n} ${tag}`, author_id: "1", created_at: new Date().toISOString(), lang: "en" };
        res.write(JSON.stringify({ data, matching_rules: [{ id: "1", tag: "sample" }] }) + "\r\n");
      }
      res.write("\r\n");
    }, 100);
    timer.unref();
    res.on("close", () => {
      clearInterval(timer);
      streams.delete(res);
    });
  });
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    apiBase: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      for (const s of streams) s.destroy();
      server.close();
    },
  };
}
