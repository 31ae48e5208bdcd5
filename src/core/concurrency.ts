// Bounded concurrency: run at most `limit` tasks at once, stop starting new ones after the
// first failure, and report every failure (not just the first) once all running tasks end.

/** forEachLimit runs work over items with at most limit in flight; rejects with the first error after all settle. */
export async function forEachLimit<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure && !signal?.aborted) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  signal?.throwIfAborted();
}
