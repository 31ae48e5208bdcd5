// Exponential backoff with "full jitter": each wait is uniform in [0, min(cap, base * 2^n)].
// Full jitter spreads many clients that failed together (a 503 storm) across the whole
// window instead of letting them come back in lockstep.

/** Backoff returns how long to wait before retry number `retry` (1 for the first retry). */
export type Backoff = (retry: number) => number;

export interface FullJitterOptions {
  /** Upper bound of the first wait, in ms (1 s, as the SakuraCloud Go clients' RetryWaitMin). */
  baseMs?: number;
  /** Upper bound of any wait, in ms (64 s, as RetryWaitMax). */
  capMs?: number;
  /** A source of uniform numbers in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

export const DEFAULT_BACKOFF_BASE_MS = 1_000;
export const DEFAULT_BACKOFF_CAP_MS = 64_000;

/** fullJitterBackoff builds a Backoff whose ceiling doubles from baseMs up to capMs. */
export function fullJitterBackoff({ baseMs = DEFAULT_BACKOFF_BASE_MS, capMs = DEFAULT_BACKOFF_CAP_MS, random = Math.random }: FullJitterOptions = {}): Backoff {
  if (!(baseMs > 0) || !(capMs >= baseMs)) throw new RangeError(`backoff needs 0 < baseMs <= capMs, got ${baseMs} and ${capMs}`);
  return (retry) => {
    // 2 ** 30 is already far above any cap; stop the exponent there so it stays finite
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(retry - 1, 0), 30));
    return Math.floor(random() * ceiling);
  };
}
