/**
 * The data that crosses thread boundaries in place of a user function.
 * Everything here must survive `structuredClone` / `postMessage`, so it is
 * plain data only: no classes, no functions, no symbols.
 */

/**
 * Objects that stand for a driver-side resource (Broadcast, Accumulator, ...)
 * implement a method under this key. The executor rebuilds them from
 * `{ handle, data }` through the caller-supplied `HandleRevivers`.
 */
export const SHIP: unique symbol = Symbol.for("dstream.ship");

export interface ShipHandle {
  /** Which reviver to use on the executor, e.g. "broadcast". */
  readonly handle: string;
  /** Structured-clone-able description, e.g. `{ id: 3 }`. */
  readonly data: unknown;
}

export interface Shippable {
  [SHIP](): ShipHandle;
}

/**
 * One captured value. Subtrees that structured clone reproduces exactly are
 * shipped untouched (`raw`), so the common case costs one wrapper object per
 * captured variable; only values that clone would lose or reject get tags.
 */
export type EncodedValue =
  | { readonly t: "raw"; readonly v: unknown }
  /** The function being shipped refers to itself through this variable. */
  | { readonly t: "self" }
  | { readonly t: "fn"; readonly ref: FnRef }
  | { readonly t: "handle"; readonly handle: string; readonly data: EncodedValue }
  /** Structured clone turns a Buffer into a plain Uint8Array. */
  | { readonly t: "buffer"; readonly bytes: Uint8Array }
  /** Structured clone would give a null-prototype object Object.prototype. */
  | { readonly t: "object"; readonly nullProto: boolean; readonly keys: string[]; readonly values: EncodedValue[] }
  | { readonly t: "array"; readonly items: EncodedValue[] }
  | { readonly t: "map"; readonly keys: EncodedValue[]; readonly values: EncodedValue[] }
  | { readonly t: "set"; readonly items: EncodedValue[] };

/** Captured free variables; `names` is sorted so factories can be cached by it. */
export interface ShippedEnv {
  readonly names: string[];
  readonly values: EncodedValue[];
}

/**
 * Where the function stood on the driver: `source.slice(start)` began at `line`:`column`
 * (0-based) of the script V8 compiled from `url` (generated code, before any source map). An
 * executor compiles the revived text at the same position, so a stack trace from it names the
 * user's file, and the driver maps it back through its source map (see errors.ts).
 */
export interface SourcePosition {
  readonly url: string;
  readonly line: number;
  readonly column: number;
  readonly start: number;
}

export type FnRef =
  /** `source` is an expression that evaluates to the function. */
  | { readonly kind: "source"; readonly source: string; readonly env?: ShippedEnv; readonly at?: SourcePosition }
  /** The executor has the function from re-importing the application module. */
  | { readonly kind: "module"; readonly id: number; readonly sourceHash: string };

export type ShipResult =
  | { readonly ok: true; readonly ref: FnRef }
  | {
      readonly ok: false;
      readonly reason: string;
      /** Best-effort `file:line` where the function is defined. */
      readonly location?: string;
      /** The function's free (captured) identifiers, for the driver's warning. */
      readonly captured: string[];
    };

export interface ShipOptions {
  /** True when every executor has registered function `id` with this source hash. */
  readonly allowModule?: (id: number, sourceHash: string) => boolean;
}

/** Executor-side constructors for handles, keyed by `ShipHandle.handle`. */
export type HandleRevivers = Map<string, (data: unknown) => unknown>;
