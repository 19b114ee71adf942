/** dstream's Twitter (X) connector: Bahir's `TwitterUtils` on X API v2's filtered stream. */
export { TwitterUtils, type TwitterAuth } from "./TwitterUtils.js";
export { TwitterReceiver, type TwitterSettings } from "./TwitterReceiver.js";
export { parseTweet, type Tweet } from "./Tweet.js";
export { reconnectDelay, type DisconnectKind } from "./reconnectDelay.js";
