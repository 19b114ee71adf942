/**
 * dstream's Flume connector: Spark's spark-streaming-flume integration. `FlumeUtils.createStream`
 * receives from a Flume agent's Avro sink (push); `FlumeUtils.createPollingStream` pulls from
 * Spark's SparkSink inside the agent. Both speak Avro RPC over Avro's Netty framing.
 */
export { FlumeUtils } from "./FlumeUtils.js";
export { FlumeException } from "./FlumeException.js";
export { bodyAsString, type SparkFlumeEvent, type AvroFlumeEvent } from "./SparkFlumeEvent.js";
export { FlumeReceiver } from "./FlumeReceiver.js";
export { FlumePollingReceiver, type FlumeAddress } from "./FlumePollingReceiver.js";
export { FlumeInputDStream } from "./FlumeInputDStream.js";
export { FlumePollingInputDStream } from "./FlumePollingInputDStream.js";
export { NettyFrameDecoder, NettyFrameEncoder, encodeNettyFrame, DEFAULT_FRAME_LIMITS, type NettyDataPack, type NettyFrameLimits } from "./NettyFrameCodec.js";
