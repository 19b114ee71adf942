// Module-loader hooks for `dstream submit`: a .ts or .js file in a folder whose package.json does
// not say "type" (so Node and tsx would load it as CommonJS) is loaded as an ES module when its
// source uses import or export, as Node 22's syntax detection does for .js. Top-level await then
// works without "type": "module". An explicit "type": "commonjs", .cts and .cjs stay CommonJS,
// and nothing under node_modules is touched.
//
// An absolute file: URL of an existing .js file (the entry an executor reloads) is that file:
// tsx would otherwise load a .ts of the same name next to it, as TypeScript maps imports.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const AMBIGUOUS = /\.(ts|tsx|js|jsx)$/;
const ESM_SYNTAX = /^\s*(import\s*[\w{*"'$]|import\s*\(|export\s)|\bimport\.meta\b/m;
const typeless = new Map();

/** The "type" of the nearest package.json of `dir`: "module", "commonjs", or undefined when unset. */
function packageType(dir) {
  if (typeless.has(dir)) return typeless.get(dir);
  let result;
  try {
    result = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type;
  } catch (e) {
    const parent = dirname(dir);
    result = e.code === "ENOENT" && parent !== dir ? packageType(parent) : undefined;
  }
  typeless.set(dir, result);
  return result;
}

function inTypelessScope(dir) {
  return packageType(dir) === undefined;
}

function hasEsmSyntax(path) {
  try {
    return ESM_SYNTAX.test(readFileSync(path, "utf8"));
  } catch {
    return false;
  }
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith("file:") && /\.(c|m)?js$/.test(new URL(specifier).pathname) && !specifier.includes("/node_modules/")) {
    const path = fileURLToPath(specifier);
    if (existsSync(path)) {
      const type = path.endsWith(".mjs") ? "module" : path.endsWith(".cjs") ? "commonjs" : packageType(dirname(path));
      const format = type ?? (hasEsmSyntax(path) ? "module" : "commonjs");
      return { url: specifier, format, shortCircuit: true };
    }
  }
  const r = await nextResolve(specifier, context);
  if (!r.url.startsWith("file:") || r.url.includes("/node_modules/") || r.format === "module") return r;
  const path = fileURLToPath(r.url);
  if (!AMBIGUOUS.test(path) || !inTypelessScope(dirname(path))) return r;
  return hasEsmSyntax(path) ? { ...r, format: "module" } : r;
}
