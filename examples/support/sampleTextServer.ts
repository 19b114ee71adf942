import { createServer, type Server, type Socket } from "node:net";
import { readFileSync } from "node:fs";

/**
 * A small text server on loopback that streams the bundled sample text, line by line, to every
 * client: the input of NetworkWordCount when no host and port are given, so a first run needs
 * nothing else installed. It never keeps the process alive by itself.
 */
export async function startSampleTextServer(linesPerSecond = 50): Promise<{ port: number; close(): void }> {
  const lines = readFileSync(new URL("../data/sample.txt", import.meta.url), "utf8").split("\n").filter((l) => l.length > 0);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.unref();
    let i = 0;
    const timer = setInterval(() => {
      // A tenth of a second's worth of lines per tick, so batches see steady input.
      for (let k = 0; k < Math.max(1, Math.round(linesPerSecond / 10)); k++) socket.write(lines[i++ % lines.length] + "\n");
    }, 100);
    timer.unref();
    const done = (): void => {
      clearInterval(timer);
      sockets.delete(socket);
    };
    socket.on("close", done);
    socket.on("error", done);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
