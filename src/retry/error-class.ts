// How a failed attempt is judged: the retry loop only asks this question, so each
// service (SakuraCloud, matchbox, SSH) brings its own classifier.

/**
 * ErrorClass says whether a failure is worth another attempt.
 * - throttling: the other side is busy or locked (HTTP 503, 423); it will answer later.
 * - transient: the attempt was lost on the way (reset, refused, timed out); sending again is safe.
 * - fatal: another attempt would fail the same way, or is not safe to send.
 */
export type ErrorClass = "throttling" | "transient" | "fatal";

/** Classifier judges one failure; it must not throw. */
export type Classifier = (error: unknown) => ErrorClass;

/** isRetryable is true for the classes the retry loop tries again. */
export function isRetryable(errorClass: ErrorClass): boolean {
  return errorClass !== "fatal";
}
