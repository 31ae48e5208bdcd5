// Retrying, pacing and judging failures, for any service: error classes, full-jitter
// backoff, a token-bucket rate limiter and the one retry loop built from them.
export { type Classifier, type ErrorClass, isRetryable } from "./error-class";
export { type Backoff, type FullJitterOptions, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_CAP_MS, fullJitterBackoff } from "./backoff";
export { type RateLimiter, type TokenBucketOptions, DEFAULT_RATE_PER_SECOND, TokenBucket, unlimited } from "./rate-limiter";
export { type RetryEvent, type RetryOptions, DEFAULT_MAX_ATTEMPTS, RetriesExhaustedError, retry } from "./retry";
