/**
 * Apache/Nginx combined-format access logs: a parser, and a deterministic sample for
 * LogAnalytics' embedded default (ten minutes of traffic from five clients, one of which sees a
 * burst of server errors, with a few malformed lines).
 */

/** One parsed line of the combined log format. */
export interface AccessLogEntry {
  host: string;
  /** Epoch milliseconds. */
  time: number;
  method: string;
  url: string;
  status: number;
  bytes: number;
}

const COMBINED = /^(\S+) \S+ \S+ \[([^\]]+)\] "(\S+) (\S+)(?: [^"]*)?" (\d{3}) (\d+|-)(?: "[^"]*" "[^"]*")?$/;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Parses one line, or throws an Error saying what is wrong with it (the reason its dead letter carries). */
export function parseAccessLog(line: string): AccessLogEntry {
  const m = COMBINED.exec(line);
  if (m === null) throw new Error("not in the combined log format");
  // 01/Jan/2026:10:00:00 +0000
  const t = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(m[2]!);
  const month = t === null ? undefined : MONTHS[t[2]!];
  if (t === null || month === undefined) throw new Error(`bad timestamp [${m[2]}]`);
  const offset = (t[7] === "-" ? -1 : 1) * (Number(t[8]) * 60 + Number(t[9])) * 60_000;
  const time = Date.UTC(Number(t[3]), month, Number(t[1]), Number(t[4]), Number(t[5]), Number(t[6])) - offset;
  return { host: m[1]!, time, method: m[3]!, url: m[4]!, status: Number(m[5]), bytes: m[6] === "-" ? 0 : Number(m[6]) };
}

function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const month = Object.keys(MONTHS)[d.getUTCMonth()]!;
  return `${p(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export const SAMPLE_START = Date.UTC(2026, 0, 1, 10, 0, 0);
const URLS = ["/", "/index.html", "/products", "/cart", "/checkout", "/api/search", "/api/items", "/static/app.js"];
const HOSTS = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"];

/**
 * The embedded sample: one request every 250 ms of event time for ten minutes, up to 2 s out of
 * order; 10.0.0.3 gets server errors half the time from 10:04 to 10:07. Every 97th line is
 * malformed. The last line is an hour later: it moves the watermark past every window.
 */
export function sampleAccessLog(): string[] {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines: string[] = [];
  for (let i = 0; i < 2400; i++) {
    const time = SAMPLE_START + i * 250 - Math.floor(random() * 2000);
    const host = HOSTS[Math.floor(random() * HOSTS.length)]!;
    // Skewed: the first URLs are the most popular.
    const url = URLS[Math.floor(random() * random() * URLS.length)]!;
    const burst = host === "10.0.0.3" && time >= SAMPLE_START + 4 * 60_000 && time < SAMPLE_START + 7 * 60_000;
    const r = random();
    const status = burst && r < 0.5 ? 503 : r < 0.02 ? 500 : r < 0.1 ? 404 : r < 0.15 ? 304 : 200;
    const bytes = status === 304 ? "-" : String(200 + Math.floor(random() * 5000));
    if (i % 97 === 96) {
      lines.push(i % 2 === 0 ? `${host} - - [${formatTime(time)}] "GET ${url}` : `garbage line ${i}`);
      continue;
    }
    lines.push(`${host} - - [${formatTime(time)}] "GET ${url} HTTP/1.1" ${status} ${bytes} "-" "Mozilla/5.0"`);
  }
  lines.push(`10.0.0.1 - - [${formatTime(SAMPLE_START + 60 * 60_000)}] "GET / HTTP/1.1" 200 512 "-" "Mozilla/5.0"`);
  return lines;
}
