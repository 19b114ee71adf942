import { userFn } from "../../../core/rdd/api/userFunction.js";
import { EventTimeDStream, type EventTimeOptions } from "../../eventtime/EventTimeDStream.js";
import { at, proto, type AnyStream } from "./streamOps.js";

proto.withEventTime = function (this: AnyStream, eventTime: (record: unknown) => number, options?: EventTimeOptions) {
  userFn("withEventTime", eventTime, "event time function (record => epoch milliseconds)");
  const stream = at(new EventTimeDStream(this, eventTime, options), "withEventTime");
  // Windows read the stream below it: it carries the user's line into the UI and messages.
  stream.tagged.creationSite = stream.creationSite;
  return stream;
};
