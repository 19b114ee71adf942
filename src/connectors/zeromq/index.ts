/**
 * dstream's ZeroMQ connector: Bahir's `ZeroMQUtils` (PUB/SUB) and a PUSH/PULL stream for work
 * distribution, on the `zeromq` package's prebuilt native addon.
 */
export { ZeroMQUtils, type Subscribe } from "./ZeroMQUtils.js";
export { ZeroMQReceiver, type BytesToObjects, type ZeroMQSocketKind } from "./ZeroMQReceiver.js";
