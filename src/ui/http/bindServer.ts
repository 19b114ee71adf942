import type { Server } from "node:http";

/**
 * Listens on `port`, or on the next free port when it is taken, trying `maxRetries` more as
 * Spark does ("Service 'SparkUI' could not bind on port 4040. Attempting port 4041."). Port 0
 * lets the operating system choose. Resolves with the bound port.
 */
export async function bindServer(server: Server, host: string, port: number, maxRetries: number, onRetry: (taken: number) => void): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const tryPort = port === 0 ? 0 : port + attempt;
    try {
      await listen(server, host, tryPort);
      const addr = server.address();
      return typeof addr === "object" && addr !== null ? addr.port : tryPort;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EADDRINUSE" || port === 0 || attempt >= maxRetries || tryPort >= 65535) {
        const tried = port === 0 ? "any free port" : attempt === 0 ? `port ${port}` : `ports ${port}-${tryPort}`;
        throw new Error(
          `Could not bind the web UI to ${host} on ${tried}: ${(e as Error).message}. Set spark.ui.port to a free port (0 picks any), raise spark.port.maxRetries, or set spark.ui.enabled=false.`,
        );
      }
      onRetry(tryPort);
    }
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off("listening", onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}
