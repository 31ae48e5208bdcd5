// A client-side token bucket: callers reserve a slot and sleep until it comes, so
// concurrent callers queue fairly without a timer loop.
import { type Clock, systemClock } from "../core/clock";

/** RateLimiter paces attempts; take resolves when the caller may send. */
export interface RateLimiter {
  take(signal?: AbortSignal): Promise<void>;
}

export interface TokenBucketOptions {
  /** Sustained rate in requests per second (5, as the SakuraCloud Go clients). */
  ratePerSecond?: number;
  /**
   * How many requests may go at once after a quiet spell. 1 spaces every request
   * evenly, as go.uber.org/ratelimit does for the Go clients: SakuraCloud asks clients
   * not to burst, and answers bursts with 503 busy.
   */
  burst?: number;
  clock?: Clock;
}

export const DEFAULT_RATE_PER_SECOND = 5;

/** TokenBucket is a RateLimiter refilled continuously at ratePerSecond, holding at most burst tokens. */
export class TokenBucket implements RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly clock: Clock;
  private tokens: number;
  private refilledAt: number;

  constructor({ ratePerSecond = DEFAULT_RATE_PER_SECOND, burst = 1, clock = systemClock }: TokenBucketOptions = {}) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate limit must be above 0 requests per second, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.refilledAt = clock.now();
  }

  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.refill();
    // Reserve now, even if the bucket goes negative: the debt is this caller's place in the queue.
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens / this.ratePerSecond) * 1000);
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (e) {
      this.tokens += 1; // an aborted caller gives its place back
      throw e;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.ratePerSecond) / 1000);
    this.refilledAt = now;
  }
}

/** unlimited is a RateLimiter that never waits. */
export const unlimited: RateLimiter = {
  take: (signal) => (signal?.aborted ? Promise.reject(signal.reason as Error) : Promise.resolve()),
};
