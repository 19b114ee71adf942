import type { ServerResponse } from "node:http";

/** Spark's NotFoundException: a 404 whose plain-text body says what was not found. */
export class NotFound extends Error {
  override readonly name = "NotFound";
}

/** A malformed request, such as a non-numeric id: 400 with the reason. */
export class BadRequest extends Error {
  override readonly name = "BadRequest";
}

export function sendJson(res: ServerResponse, body: unknown): void {
  send(res, 200, "application/json; charset=utf-8", JSON.stringify(body, null, 2) + "\n");
}

export function sendHtml(res: ServerResponse, html: string): void {
  send(res, 200, "text/html; charset=utf-8", html);
}

export function sendText(res: ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  send(res, status, type, text);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Content-Length": "0" });
  res.end();
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(body);
}

/** A path or query parameter that must be a non-negative integer. */
export function intParam(value: string | null | undefined, what: string): number {
  if (value === null || value === undefined || !/^\d+$/.test(value)) throw new BadRequest(`${what} must be a non-negative integer, got '${value ?? ""}'`);
  return Number(value);
}
