import { ContextPluginRegistry } from "../core/plugin/ContextPluginRegistry.js";
import type { StreamingContext } from "./StreamingContext.js";

/**
 * @internal Extensions (the web UI's Streaming tab) that attach to each StreamingContext when it
 * starts, before its first batch and receiver events, and detach when it stops.
 */
export const streamingContextPlugins = new ContextPluginRegistry<StreamingContext>("StreamingContext");
