// An async iterable over lines pushed by a running command. Breaking out of the loop, or
// aborting the caller's signal, stops the command and waits until it is gone, so nothing
// is left running on the host after the loop ends.

/** Produce runs the command, passing each line to onLine, until it ends or signal aborts. */
export type Produce = (onLine: (line: string) => void, signal: AbortSignal) => Promise<void>;

/** streamLines turns a line producer into an async iterable that cleans up after itself. */
export function streamLines(signal: AbortSignal, produce: Produce): AsyncIterable<string> {
  return { [Symbol.asyncIterator]: () => iterate(signal, produce) };
}

async function* iterate(outer: AbortSignal, produce: Produce): AsyncGenerator<string> {
  const stop = new AbortController();
  const signal = AbortSignal.any([outer, stop.signal]);
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: Error | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const running = produce((line) => {
    queue.push(line);
    notify();
  }, signal).then(
    () => {
      finished = true;
      notify();
    },
    (e: unknown) => {
      failure = e as Error; // produce rejects only with Errors (RemoteError, ConnectionDroppedError)
      finished = true;
      notify();
    },
  );
  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    // a failure after a cancel is the cancel's doing (e.g. the connection went with it)
    if (failure !== undefined && !signal.aborted) throw failure;
  } finally {
    stop.abort();
    await running;
  }
}
