/**
 * Executor side: turns a FnRef back into a function. Deliberately free of the
 * inspector and the parser, which only the driver needs.
 */
import { compileFunction } from "node:vm";
import { decodeValue, type DecodeContext } from "./envCodec.js";
import type { FnRef, HandleRevivers, SourcePosition } from "./FnRef.js";
import { SHIPPED_SCRIPT } from "./shippedScript.js";
import { registeredFunction, sourceHash } from "./functionRegistry.js";

/** The esbuild/tsx `keepNames` helper that tsx-compiled sources call, and that name-preserving sources use. */
const nameHelper = (f: Function, name: string): Function =>
  Object.defineProperty(f, "name", { value: name, configurable: true });

type Factory = (...args: unknown[]) => Function;

/** Functions without captured variables are stateless as far as shipping goes, so one instance per source serves every task. */
const bySource = new Map<string, Function>();
/** Compiling is the expensive part; the factory is reused and called with fresh values per revival. */
const factories = new Map<string, Factory>();

export function reviveFunction(ref: FnRef, handles: HandleRevivers): Function {
  // Nested refs share one memo, so values shared on the driver stay shared across them.
  const ctx: DecodeContext = { handles, memo: new Map(), revive: (r) => revive(r, ctx) };
  return revive(ref, ctx);
}

function revive(ref: FnRef, ctx: DecodeContext): Function {
  if (ref.kind === "module") return fromRegistry(ref.id, ref.sourceHash);
  const env = ref.env;
  // The same text at another place is another function as far as stack traces go.
  const where = ref.at ? `\0${ref.at.url}:${ref.at.line}:${ref.at.column}` : "";
  if (env === undefined || env.names.length === 0) {
    const key = ref.source + where;
    let fn = bySource.get(key);
    if (fn === undefined) {
      fn = compile(ref.source, [], [], ref.at)(nameHelper);
      bySource.set(key, fn);
    }
    return fn;
  }
  const params: string[] = [];
  const selfNames: string[] = [];
  const args: unknown[] = [];
  env.names.forEach((name, i) => {
    const e = env.values[i];
    if (e === undefined) throw new Error(`malformed function reference: no value for captured variable ${name}`);
    if (e.t === "self") selfNames.push(name);
    else {
      params.push(name);
      args.push(decodeValue(e, ctx));
    }
  });
  const key = `${ref.source}\0${params.join(",")}\0${selfNames.join(",")}${where}`;
  let factory = factories.get(key);
  if (factory === undefined) {
    factory = compile(ref.source, params, selfNames, ref.at);
    factories.set(key, factory);
  }
  return factory(...args, nameHelper);
}

function compile(source: string, params: string[], selfNames: string[], at: SourcePosition | undefined): Factory {
  // Self references become a `let` the function closes over, assigned before anyone can call it.
  const open = selfNames.length === 0 ? "return (" : `let ${selfNames.join(", ")};\n${selfNames.join(" = ")} = (`;
  const close = selfNames.length === 0 ? "\n);" : `\n);\nreturn ${selfNames[0]};`;
  try {
    if (at === undefined) return new Function(...params, "__name", `"use strict";\n${open}${source}${close}`) as Factory;
    // The function's text goes on a line of its own, indented to its original column, and the
    // script is numbered so that line is its original one: positions in a stack trace are the
    // driver's. The name marks the frames for the driver to map (it holds the source maps).
    const head = `"use strict";${open.replace(/\n/g, " ")}${source.slice(0, at.start)}`;
    const body = `${head}\n${" ".repeat(at.column)}${source.slice(at.start)}${close}`;
    return compileFunction(body, [...params, "__name"], { filename: SHIPPED_SCRIPT + at.url, lineOffset: at.line - 1 }) as Factory;
  } catch (err) {
    throw new Error(`cannot revive shipped function: ${err instanceof Error ? err.message : String(err)}\nsource: ${source}`);
  }
}

function fromRegistry(id: number, hash: string): Function {
  const fn = registeredFunction(id);
  if (fn === undefined) {
    throw new Error(
      `cannot revive user function #${id}: this executor registered no such function while re-importing the application module; ` +
        "build the whole graph unconditionally, before start() or the first action",
    );
  }
  const here = sourceHash(fn);
  if (here !== hash) {
    throw new Error(
      `cannot revive user function #${id}: its source differs between driver (${hash}) and executor (${here}); ` +
        "the graph was built in a different order, so ids no longer match",
    );
  }
  return fn;
}
