import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isExecutorMode,
  isFunctionRegistrySealed,
  registeredFunction,
  registerUserFunction,
  registrySnapshot,
  resetFunctionRegistry,
  sealFunctionRegistry,
  setExecutorMode,
  sourceHash,
  userFunctionId,
} from "../../src/core/closure/index.js";

test("ids are assigned 0, 1, 2, ... in call order, once per function object", () => {
  resetFunctionRegistry();
  const a = (x: number) => x;
  const b = (x: number) => x * 2;
  const c = (x: number) => x * 3;
  registerUserFunction(a);
  registerUserFunction(b);
  registerUserFunction(a);
  registerUserFunction(c);
  assert.equal(userFunctionId(a), 0);
  assert.equal(userFunctionId(b), 1);
  assert.equal(userFunctionId(c), 2);
  assert.equal(userFunctionId((x: number) => x), undefined);
  assert.equal(registeredFunction(1), b);
  assert.equal(registeredFunction(3), undefined);
  assert.deepEqual(registrySnapshot(), [
    [0, sourceHash(a)],
    [1, sourceHash(b)],
    [2, sourceHash(c)],
  ]);
  resetFunctionRegistry();
  assert.equal(userFunctionId(a), undefined);
  assert.deepEqual(registrySnapshot(), []);
});

test("sourceHash is a stable 16-digit hex hash of the source text", () => {
  const f = (0, eval)("(x => x + 1)") as Function;
  const same = (0, eval)("(x => x + 1)") as Function;
  const other = (0, eval)("(x => x + 2)") as Function;
  assert.match(sourceHash(f), /^[0-9a-f]{16}$/);
  assert.equal(sourceHash(f), sourceHash(same));
  assert.notEqual(sourceHash(f), sourceHash(other));
  // Pinned (first 64 bits of SHA-1, computed independently), so a change of algorithm is noticed.
  assert.equal(sourceHash(f), "f6c93dc80c54e0cc");
});

test("a sealed registry assigns no more ids", () => {
  resetFunctionRegistry();
  const before = () => 1;
  const after = () => 2;
  registerUserFunction(before);
  assert.equal(isFunctionRegistrySealed(), false);
  sealFunctionRegistry();
  assert.equal(isFunctionRegistrySealed(), true);
  registerUserFunction(after);
  assert.equal(userFunctionId(before), 0);
  assert.equal(userFunctionId(after), undefined);
  resetFunctionRegistry();
  assert.equal(isFunctionRegistrySealed(), false);
});

test("executor mode is off by default and can be toggled", () => {
  assert.equal(isExecutorMode(), false);
  setExecutorMode(true);
  assert.equal(isExecutorMode(), true);
  setExecutorMode(false);
  assert.equal(isExecutorMode(), false);
});
