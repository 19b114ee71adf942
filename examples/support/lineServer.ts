import { createServer, type Server, type Socket } from "node:net";

/**
 * A loopback server that sends `lines` once to every client, in order, and keeps the connection
 * open: the embedded input of examples that must see the same data on every run. It never keeps
 * the process alive by itself.
 */
export async function startLineServer(lines: readonly string[]): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.unref();
    socket.on("error", () => sockets.delete(socket));
    socket.on("close", () => sockets.delete(socket));
    socket.write(lines.join("\n") + "\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
