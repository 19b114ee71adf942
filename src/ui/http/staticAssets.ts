import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The page's own scripts and styles, next to this module's directory in src/ and, after the build, in dist/. */
const OWN_DIR = fileURLToPath(new URL("../static/", import.meta.url));

/** uPlot's browser build: copied under static/vendor by `npm run build`, else read from the uplot package. */
const VENDOR = ["uPlot.iife.min.js", "uPlot.min.css"];

function vendorPath(name: string): string {
  const copied = join(OWN_DIR, "vendor", name);
  if (existsSync(copied)) return copied;
  return join(dirname(createRequire(import.meta.url).resolve("uplot/package.json")), "dist", name);
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * Serves `/static/<file>` and `/static/vendor/<uPlot file>` from memory. Only files that exist
 * when the UI starts are served, so no request path ever reaches the file system.
 */
export class StaticAssets {
  private readonly assets = new Map<string, Asset>();

  constructor() {
    for (const name of readdirSync(OWN_DIR)) {
      const type = TYPES[extname(name)];
      if (type) this.add(name, join(OWN_DIR, name), type);
    }
    for (const name of VENDOR) this.add(`vendor/${name}`, vendorPath(name), TYPES[extname(name)]!);
  }

  private add(name: string, path: string, type: string): void {
    const body = readFileSync(path);
    this.assets.set(name, { body, type, etag: `"${createHash("sha1").update(body).digest("base64url").slice(0, 16)}"` });
  }

  has(name: string): boolean {
    return this.assets.has(name);
  }

  serve(name: string, req: IncomingMessage, res: ServerResponse): boolean {
    const a = this.assets.get(name);
    if (!a) return false;
    if (req.headers["if-none-match"] === a.etag) {
      res.writeHead(304, { ETag: a.etag });
      res.end();
      return true;
    }
    res.writeHead(200, { "Content-Type": a.type, "Content-Length": a.body.length, ETag: a.etag, "Cache-Control": "no-cache" });
    res.end(a.body);
    return true;
  }
}
