/**
 * What an input stream may put in a metadata checkpoint: plain JSON, so that it survives the
 * process and can be read by a person debugging a recovery. Numbers must be safe integers or
 * ordinary doubles; encode 64-bit offsets as strings.
 */
export type CheckpointJson = null | boolean | number | string | CheckpointJson[] | { [key: string]: CheckpointJson };
