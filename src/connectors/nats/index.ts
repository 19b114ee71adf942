/**
 * dstream's NATS JetStream connector: a durable pull consumer whose messages are acknowledged
 * only once stored, deduplicated by stream sequence.
 */
export { NatsUtils, type NatsJetStreamOptions, type NatsJetStreamDecodedOptions } from "./NatsUtils.js";
export { NatsJetStreamReceiver, NatsJetStreamError, type NatsJetStreamReceiverConfig } from "./NatsJetStreamReceiver.js";
export { utf8Text, type NatsMessage, type NatsMessageDecoder } from "./NatsMessage.js";
