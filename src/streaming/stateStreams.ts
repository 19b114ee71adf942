import type { StreamingContext } from "./StreamingContext.js";
import type { DStream } from "./dstream/DStream.js";
import { StateDStream } from "./dstream/StateDStream.js";
import { InternalMapWithStateDStream } from "./dstream/InternalMapWithStateDStream.js";

export interface StateStreamInfo {
  /** "updateStateByKey 0", "mapWithState 1": the kind of state and its order in the graph. */
  name: string;
  /** The state RDD of the latest generated batch, whose cached blocks are the current state. */
  latestRddId: number | undefined;
}

/** The stateful streams of a context's graph, for monitoring how large their state is. */
export function stateStreams(ssc: StreamingContext): StateStreamInfo[] {
  const found: Array<DStream<unknown>> = [];
  const seen = new Set<DStream<unknown>>();
  const stack: Array<DStream<unknown>> = [...ssc.graph.outputStreams];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (s instanceof StateDStream || s instanceof InternalMapWithStateDStream) found.push(s);
    stack.push(...s.dependencies);
  }
  return found.map((s, i) => {
    const times = [...s.generatedRDDs.keys()];
    const latest = times.length > 0 ? s.generatedRDDs.get(Math.max(...times)) : undefined;
    return { name: `${s instanceof StateDStream ? "updateStateByKey" : "mapWithState"} ${i}`, latestRddId: latest?.id };
  });
}
