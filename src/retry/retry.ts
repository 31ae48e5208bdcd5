// The one retry loop: pace with the limiter, attempt, classify, back off, repeat.
// It knows no service; what is retryable and how long to wait come in as parameters.
import type { Clock } from "../core/clock";
import { type Backoff, fullJitterBackoff } from "./backoff";
import { type Classifier, type ErrorClass, isRetryable } from "./error-class";
import type { RateLimiter } from "./rate-limiter";

/** RetryEvent describes a failed attempt that will be tried again. */
export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  error: unknown;
  errorClass: ErrorClass;
  delayMs: number;
}

export interface RetryOptions {
  classify: Classifier;
  clock: Clock;
  /** Attempts in all, the first included (11: the Go clients' RetryMax of 10 retries). */
  maxAttempts?: number;
  backoff?: Backoff;
  /** Taken before every attempt, retries included: a retry costs a request like any other. */
  limiter?: RateLimiter;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 11;

/** RetriesExhaustedError wraps the last error when every attempt failed with a retryable error. */
export class RetriesExhaustedError extends Error {
  readonly attempts: number;
  readonly lastError: unknown;
  readonly errorClass: ErrorClass;

  constructor(lastError: unknown, attempts: number, errorClass: ErrorClass) {
    super(`gave up after ${attempts} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError });
    this.name = "RetriesExhaustedError";
    this.attempts = attempts;
    this.lastError = lastError;
    this.errorClass = errorClass;
  }
}

/**
 * retry runs attempt until it succeeds, fails with a fatal error (rethrown as is), or has
 * failed maxAttempts times with retryable errors (RetriesExhaustedError). attempt gets its
 * attempt number, from 1. An abort during a wait rejects with the signal's reason.
 */
export async function retry<T>(attempt: (n: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const backoff = o.backoff ?? fullJitterBackoff();
  for (let n = 1; ; n++) {
    o.signal?.throwIfAborted();
    if (o.limiter) await o.limiter.take(o.signal);
    try {
      return await attempt(n);
    } catch (error) {
      const errorClass = o.classify(error);
      if (!isRetryable(errorClass)) throw error;
      if (n >= maxAttempts) throw new RetriesExhaustedError(error, n, errorClass);
      const delayMs = backoff(n);
      o.onRetry?.({ attempt: n, error, errorClass, delayMs });
      await o.clock.sleep(delayMs, o.signal);
    }
  }
}
