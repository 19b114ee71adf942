import { NETWORK_ERROR_CODE } from "./wire/KafkaConnection.js";

/**
 * Reading the client library's errors (and those of dstream's own wire client, which carry the same fields), so that the rest of dstream never looks at them:
 * what kind of failure it was, and a one-line description naming the broker's own reason.
 */
export type ClientErrorKind =
  /** The topic is not in the cluster's metadata. */
  | "unknown-topic"
  /** The requested offset is outside the log. */
  | "offset-out-of-range"
  /** The client's view of leaders is out of date: refresh metadata and try again. */
  | "stale-metadata"
  /** The broker cannot be reached or did not answer in time: wait and try again. */
  | "unavailable"
  /** Another producer took over the transactional id. */
  | "fenced"
  | "other";

interface LibraryError {
  code?: string;
  apiId?: string;
  message?: string;
  errors?: unknown[];
}

/** Every error in the tree, depth first: the library nests per-broker and per-retry errors. */
function flatten(e: unknown, out: LibraryError[] = []): LibraryError[] {
  if (typeof e !== "object" || e === null) return out;
  const le = e as LibraryError;
  out.push(le);
  if (Array.isArray(le.errors)) for (const inner of le.errors) flatten(inner, out);
  return out;
}

/** The broker's error names (e.g. `NOT_LEADER_OR_FOLLOWER`) anywhere in the error. */
export function brokerErrorNames(e: unknown): string[] {
  return flatten(e)
    .map((x) => x.apiId)
    .filter((x): x is string => typeof x === "string");
}

const STALE = new Set([
  "NOT_LEADER_OR_FOLLOWER",
  "LEADER_NOT_AVAILABLE",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "NOT_COORDINATOR",
  "REPLICA_NOT_AVAILABLE",
  "OFFSET_NOT_AVAILABLE",
]);
const UNAVAILABLE = new Set([
  "REQUEST_TIMED_OUT",
  "BROKER_NOT_AVAILABLE",
  "NETWORK_EXCEPTION",
  "COORDINATOR_LOAD_IN_PROGRESS",
  "COORDINATOR_NOT_AVAILABLE",
  "KAFKA_STORAGE_ERROR",
  "NOT_ENOUGH_REPLICAS",
  "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  "CONCURRENT_TRANSACTIONS",
  "THROTTLING_QUOTA_EXCEEDED",
]);
const FENCED = new Set(["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH", "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"]);

export function classifyClientError(e: unknown): ClientErrorKind {
  const all = flatten(e);
  const names = brokerErrorNames(e);
  if (all.some((x) => x.code === "PLT_KFK_USER" && /^Unknown topic /.test(x.message ?? ""))) return "unknown-topic";
  if (names.includes("UNKNOWN_TOPIC_OR_PARTITION") || names.includes("UNKNOWN_TOPIC_ID")) return "unknown-topic";
  if (names.includes("OFFSET_OUT_OF_RANGE")) return "offset-out-of-range";
  if (names.some((n) => FENCED.has(n))) return "fenced";
  if (names.some((n) => STALE.has(n))) return "stale-metadata";
  if (names.some((n) => UNAVAILABLE.has(n))) return "unavailable";
  if (all.some((x) => x.code === "PLT_KFK_NETWORK" || x.code === "PLT_KFK_TIMEOUT" || x.code === NETWORK_ERROR_CODE)) return "unavailable";
  if (all.some((x) => /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up/i.test(x.message ?? ""))) {
    return "unavailable";
  }
  return "other";
}

/** One line: the outer message plus the innermost distinct reasons, e.g. "Cannot connect to any broker (Connection to 127.0.0.1:1 failed.)". */
export function describeClientError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const inner = [...new Set(flatten(e).slice(1).filter((x) => !Array.isArray(x.errors) || x.errors.length === 0).map((x) => x.apiId ?? x.message ?? ""))].filter(
    (s) => s !== "" && s !== e.message,
  );
  const outer = e.message.replace(/\.$/, "");
  return inner.length > 0 ? `${outer} (${inner.slice(0, 3).join("; ")})` : outer;
}
