/** A StreamingContext's lifecycle: INITIALIZED until start(), ACTIVE until stop(), then STOPPED for good. */
export type StreamingContextState = "INITIALIZED" | "ACTIVE" | "STOPPED";
