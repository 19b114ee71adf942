import * as http from "node:http";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

export interface HttpRequest {
  method: "GET" | "PUT" | "POST" | "DELETE";
  url: string;
  body?: Uint8Array;
  timeoutMs: number;
}

/**
 * One HTTP exchange, redirects not followed (WebHDFS's NameNode answers 307 to the DataNode).
 * `status` is 0 when no response arrived; `error` is set when the exchange failed, and then
 * `body` holds what arrived before the failure, so that a read can resume after it.
 */
export interface HttpResponse {
  status: number;
  location?: string;
  body: Uint8Array;
  error?: string;
}

/** Called after each body chunk of a response; a returned promise holds the reading back until it settles. */
export type OnChunk = (received: number) => void | Promise<void>;

/**
 * Performs one exchange with `node:http`. DataNodes answer a write with an unsolicited
 * `100 Continue` before the real status, which `fetch` (undici) rejects as a bad response while
 * Node's HTTP client skips it. The function uses nothing from its module scope (`http` comes in
 * as an argument): the synchronous transport runs its source in a worker thread.
 */
export function exchange(req: HttpRequest, onChunk: OnChunk | undefined, http: typeof import("node:http")): Promise<HttpResponse> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let received = 0;
    let status = 0;
    let location: string | undefined;
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      const body = new Uint8Array(received);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.byteLength;
      }
      const e = error as { message?: string; code?: string } | undefined;
      resolve(error === undefined ? { status, location, body } : { status, location, body, error: e?.message ?? e?.code ?? String(error) });
    };
    const request = http.request(req.url, { method: req.method, timeout: req.timeoutMs, headers: req.body ? { "content-type": "application/octet-stream", "content-length": String(req.body.byteLength) } : {} }, (res) => {
      status = res.statusCode ?? 0;
      const loc = res.headers.location;
      location = typeof loc === "string" ? loc : undefined;
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.byteLength;
        if (!onChunk) return;
        const wait = onChunk(received);
        if (wait) {
          res.pause();
          void wait.then(() => res.resume(), () => res.resume());
        }
      });
      res.on("end", () => (res.complete ? finish() : finish(new Error("the connection closed before the whole body arrived"))));
      res.on("aborted", () => finish(new Error("the connection closed before the whole body arrived")));
      res.on("error", (e) => finish(e));
      res.on("close", () => (res.complete ? finish() : finish(new Error("the connection closed before the whole body arrived"))));
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    request.on("error", (e) => finish(e));
    request.end(req.body);
  });
}

// Under tsx, function sources call esbuild's \`__name\` helper, which the worker must define.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const http = require("node:http");
const __name = (f) => f;
const exchange = ${exchange.toString()};
const { port, flag } = workerData;
port.on("message", async ({ id, req }) => {
  const res = await exchange(req, undefined, http);
  port.postMessage({ id, res }, [res.body.buffer]);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/**
 * HTTP that blocks its thread until the answer is there: the exchange runs on the event loop of
 * a small worker thread while this thread waits on a shared flag. Callers of the engine's
 * filesystem interface are synchronous (Hadoop's FileSystem is too), so this is what lets a
 * WebHDFS call stand where a local `readSync` stood.
 */
export class SyncHttp {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly pause = new Int32Array(new SharedArrayBuffer(4));
  private sequence = 0;

  request(req: HttpRequest): HttpResponse {
    const port = this.start();
    const id = ++this.sequence;
    Atomics.store(this.flag, 0, 0);
    port.postMessage({ id, req });
    // The exchange has its own timeout; the margin only guards against a worker that died.
    const deadline = Date.now() + req.timeoutMs + 10_000;
    Atomics.wait(this.flag, 0, 0, req.timeoutMs + 10_000);
    // The flag can be seen before the message it announces: poll the port briefly for it.
    for (;;) {
      const msg = receiveMessageOnPort(port) as { message: { id: number; res: HttpResponse } } | undefined;
      if (msg?.message.id === id) return msg.message.res;
      if (msg) continue; // the answer to a request that timed out earlier
      if (Date.now() > deadline) {
        this.close();
        throw new Error(`HTTP ${req.method} ${req.url}: no answer from the HTTP worker thread within ${req.timeoutMs + 10_000} ms`);
      }
      Atomics.wait(this.pause, 0, 0, 1);
    }
  }

  close(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = undefined;
    this.port = undefined;
  }

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag: this.flag }, transferList: [port2] });
    // Neither the worker nor the port may keep a finished program alive.
    worker.unref();
    port1.unref();
    worker.on("error", () => this.close());
    this.worker = worker;
    this.port = port1;
    return port1;
  }
}
