/**
 * dstream's scale-out through Kafka: copies of an application share its work as one consumer
 * group, re-key through repartition topics with end-of-batch markers, run on one batch grid,
 * and commit each batch in one transaction per copy. See docs/scale-out.md.
 */
export { KafkaScaleOut, type ScaleOutOptions, type ScaleOutReport, type CommittedBatch, type ScaleOutSerializer } from "./KafkaScaleOut.js";
export { ScaleOutInputDStream } from "./ScaleOutInputDStream.js";
export { ScaleOutMetrics, type PartitionLag, type ScaleOutMetricsOptions, type CommittedOffsets } from "./ScaleOutMetrics.js";
export { RepartitionInputDStream } from "./RepartitionInputDStream.js";
export { ScaleOutStateDStream, type ScaleOutUpdateFunc } from "./ScaleOutStateDStream.js";
export { ScaleOutMapWithStateDStream } from "./ScaleOutMapWithStateDStream.js";
export { ChangelogStateDStream } from "./ChangelogStateDStream.js";
export type { ReducerCommit } from "./RepartitionReader.js";
export { assignTasks, type MemberSubscription } from "./StickyCoPartitionAssignor.js";
export type { MembershipState } from "./GroupMembership.js";
export type { GridRecord } from "./BatchGrid.js";
