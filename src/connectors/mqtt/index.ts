/**
 * dstream's MQTT connector: Bahir's `MQTTUtils` over MQTT 5 (mqtt.js), acknowledging QoS 1/2
 * messages only once they are stored.
 */
export { MQTTUtils, type MQTTOptions } from "./MQTTUtils.js";
export { MQTTReceiver, utf8Text, type MQTTMessageDecoder, type MQTTReceiverConfig, type QoS } from "./MQTTReceiver.js";
