export { analyzeFunction, type FunctionAnalysis } from "./analyzeFunction.js";
export { captureFreeVariables, functionLocation } from "./captureScope.js";
export { isDriver, isExecutorMode, setExecutorMode } from "./executorMode.js";
export {
  SHIP,
  type EncodedValue,
  type FnRef,
  type HandleRevivers,
  type Shippable,
  type ShipHandle,
  type ShipOptions,
  type ShippedEnv,
  type ShipResult,
} from "./FnRef.js";
export {
  isFunctionRegistrySealed,
  registeredFunction,
  registerUserFunction,
  registrySnapshot,
  resetFunctionRegistry,
  sealFunctionRegistry,
  sourceHash,
  userFunctionId,
} from "./functionRegistry.js";
export { reviveFunction } from "./reviveFunction.js";
export { shipFunction } from "./shipFunction.js";
