/**
 * Error classes named after the JVM exceptions Spark throws, so that messages and
 * `instanceof` checks port from Spark code and Spark's documentation unchanged.
 */
import { mapShippedFrames } from "./closure/shippedScript.js";
export class SparkException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SparkException";
  }
}

export class IllegalArgumentException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IllegalArgumentException";
  }
}

export class IllegalStateException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IllegalStateException";
  }
}

export class UnsupportedOperationException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnsupportedOperationException";
  }
}

export class NoSuchElementException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NoSuchElementException";
  }
}

/** Scala's `require`: the message carries Spark's "requirement failed: " prefix. */
export function requireArg(condition: boolean, message: string): asserts condition {
  if (!condition) throw new IllegalArgumentException(`requirement failed: ${message}`);
}

/** The plain-data form in which an error crosses a thread boundary. */
export interface ErrorDescription {
  name: string;
  message: string;
  stack?: string;
}

export function describeError(e: unknown): ErrorDescription {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e) };
}

/**
 * Rebuilds an error that was thrown on another thread, keeping its class name and remote stack,
 * with the frames of shipped functions pointing at the user's code.
 */
export function reviveError(d: ErrorDescription): Error {
  const e = new Error(d.message);
  e.name = d.name;
  if (d.stack) e.stack = mapShippedFrames(d.stack);
  return e;
}

/** A file-system operation on a path the user gave failed; the message names the operation, the path and why. */
export class IOException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IOException";
  }
}
