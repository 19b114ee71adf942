// Preloaded (`node --import`) into every application `dstream submit` runs, and into each of its
// executor threads (DSTREAM_APP_LOADER), so that a reloaded application module compiles the way
// the driver's did. It registers tsx for TypeScript, then the module-format hooks, which run
// first: see moduleFormat.mjs. Plain JavaScript, because it runs before anything can compile
// TypeScript.
import { existsSync } from "node:fs";
import { register } from "node:module";
import { isMainThread } from "node:worker_threads";
import { register as registerTsxCjs } from "tsx/cjs/api";
import { register as registerTsxEsm } from "tsx/esm/api";

registerTsxCjs();
registerTsxEsm();
register("./moduleFormat.mjs", import.meta.url);

if (isMainThread) {
  // Compiled next to this file in dist/, TypeScript next to it in src/ (tsx is registered by now).
  const compiled = new URL("./uncaughtErrors.js", import.meta.url);
  const { reportUncaughtErrors } = await import(existsSync(compiled) ? compiled.href : new URL("./uncaughtErrors.ts", import.meta.url).href);
  reportUncaughtErrors();
}
