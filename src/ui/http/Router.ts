import type { IncomingMessage, ServerResponse } from "node:http";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

interface Route {
  segments: string[];
  handler: RouteHandler;
}

/**
 * GET routes by path pattern, where `{name}` matches one segment. A trailing slash does not
 * matter, so that `/jobs` and Spark's `/jobs/` are the same page.
 */
export class Router {
  private readonly routes: Route[] = [];

  get(pattern: string, handler: RouteHandler): this {
    this.routes.push({ segments: split(pattern), handler });
    return this;
  }

  /** The handler for a path and the parameters it captured, or undefined. */
  match(pathname: string): { handler: RouteHandler; params: Record<string, string> } | undefined {
    let parts: string[];
    try {
      parts = split(pathname).map((p) => decodeURIComponent(p));
    } catch {
      return undefined;
    }
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i]!;
        if (seg.startsWith("{") && seg.endsWith("}")) params[seg.slice(1, -1)] = parts[i]!;
        else ok = seg === parts[i];
      }
      if (ok) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s.length > 0);
}
