import { IllegalArgumentException } from "../../core/errors.js";
import { urlWithoutPassword as redact } from "../../core/util/urlWithoutPassword.js";

/** Throws, naming `op`, unless `url` is a redis:// or rediss:// URL with a host; the password never reaches the message. */
export function requireRedisUrl(op: string, url: unknown): void {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") || parsed.hostname === "") {
    throw new IllegalArgumentException(`${op}: malformed Redis URL ${JSON.stringify(typeof url === "string" ? redact(url) : url)}; give redis://[user:password@]host:port[/db], e.g. redis://127.0.0.1:6379`);
  }
}
