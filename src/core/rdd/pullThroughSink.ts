/**
 * Runs a push-style element transformer as a lazy pull iterator: each input element is pushed
 * through, and whatever it emitted is yielded before the next element is read. This lets one
 * sink-based implementation of an operation serve both `computePush` and `compute`.
 */
export function* pullThroughSink<T, U>(input: Iterable<T>, makeSink: (push: (y: U) => void) => (x: T) => void): Generator<U> {
  const buf: U[] = [];
  const sink = makeSink((y) => buf.push(y));
  for (const x of input) {
    sink(x);
    if (buf.length > 0) {
      yield* buf;
      buf.length = 0;
    }
  }
}
