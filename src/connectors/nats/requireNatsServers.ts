import { IllegalArgumentException } from "../../core/errors.js";
import { urlWithoutPassword as redact } from "../../core/util/urlWithoutPassword.js";

const SCHEMES = ["nats:", "tls:"];

/**
 * The servers as a list, throwing (naming `op`) unless each is host:port or a nats:// or tls://
 * URL with a host and a numeric port; a password never reaches the message.
 */
export function requireNatsServers(op: string, servers: unknown): string[] {
  const list = typeof servers === "string" ? servers.split(",").map((s) => s.trim()) : servers;
  if (!Array.isArray(list) || list.length === 0) {
    throw new IllegalArgumentException(`${op}: servers must be a NATS server URL or a non-empty list of them, got ${JSON.stringify(servers)}; e.g. nats://127.0.0.1:4222`);
  }
  return list.map((s: unknown) => {
    if (!isServerUrl(s)) {
      const shown = JSON.stringify(typeof s === "string" && /:[^/@]*@/.test(s) ? redact(s) : s);
      throw new IllegalArgumentException(`${op}: malformed NATS server URL ${shown}; give nats://host:port, tls://host:port or host:port, e.g. nats://127.0.0.1:4222`);
    }
    return s;
  });
}

function isServerUrl(s: unknown): s is string {
  if (typeof s !== "string" || s.length === 0) return false;
  let url: URL;
  try {
    url = new URL(s.includes("://") ? s : `nats://${s}`);
  } catch {
    return false;
  }
  // The URL parser already refuses a port that is not a number.
  return SCHEMES.includes(url.protocol) && url.hostname !== "" && (url.pathname === "" || url.pathname === "/") && url.search === "" && url.hash === "";
}
