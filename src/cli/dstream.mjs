#!/usr/bin/env node
// The `dstream` command. An installed copy (from a tarball or a git URL, under node_modules) runs
// its compiled code from dist/. A checkout, including one linked with `npm install ../dstream`,
// runs its TypeScript sources through tsx, so a change to src/ needs no build.
import { existsSync, realpathSync } from "node:fs";
import { sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = realpathSync(fileURLToPath(import.meta.url));
const compiled = new URL("../../dist/cli/main.js", pathToFileURL(here));
const installed = here.split(sep).includes("node_modules");

let main;
if (installed && existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("./main.ts"));
}
await main(process.argv);
