// A generic poller: ask `check` until it says success or failure, with growing delays,
// until a deadline. What "ready" means is the caller's acceptor; this knows no service.
import type { Clock } from "../core/clock";
import { FailedError, TimeoutError } from "../core/errors";
import { formatDuration } from "./duration";

/** Poll is an acceptor's verdict on one check. */
export type Poll<T> =
  | { state: "success"; value: T }
  /** Not yet; `seen` names what was observed, e.g. "migrating", for progress and timeouts. */
  | { state: "retry"; seen: string }
  /** It will never succeed; `reason` says why. */
  | { state: "failure"; reason: string };

/** WaitProgress is reported after every check that was not final. */
export interface WaitProgress {
  seen: string;
  checks: number;
  elapsedMs: number;
}

export interface WaitOptions {
  /** What is awaited, for messages: "disk 113301644830 to be available". */
  what: string;
  /** First delay between checks; later delays double up to maxDelayMs. */
  minDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  clock: Clock;
  signal?: AbortSignal;
  onProgress?: (progress: WaitProgress) => void;
  /** What to tell the user when time runs out, or when the acceptor gives up (generic hints by default). */
  timeoutHint?: string;
  failureHint?: string;
}

function validate(o: WaitOptions): void {
  if (!(o.minDelayMs > 0) || !(o.maxDelayMs >= o.minDelayMs)) {
    throw new RangeError(`waiting for ${o.what}: need 0 < minDelayMs <= maxDelayMs, got ${o.minDelayMs} and ${o.maxDelayMs}`);
  }
  if (!(o.timeoutMs > 0)) throw new RangeError(`waiting for ${o.what}: timeoutMs must be above 0, got ${o.timeoutMs}`);
}

/**
 * waitFor checks until the acceptor says success (and returns its value) or failure
 * (FailedError). When timeoutMs passes it throws a TimeoutError naming the last state seen
 * and how often it was checked. Errors thrown by check propagate unchanged; an abort
 * rejects with the signal's reason. The last check happens at the deadline, not before.
 */
export async function waitFor<T>(check: () => Promise<Poll<T>>, o: WaitOptions): Promise<T> {
  validate(o);
  const started = o.clock.now();
  const deadline = started + o.timeoutMs;
  let delayMs = o.minDelayMs;
  const seenCounts = new Map<string, number>();
  let lastSeen = "nothing yet";
  for (let checks = 1; ; checks++) {
    o.signal?.throwIfAborted();
    const poll = await check();
    if (poll.state === "success") return poll.value;
    if (poll.state === "failure") {
      throw new FailedError(`gave up waiting for ${o.what}: ${poll.reason}`, { hint: o.failureHint ?? "fix the cause named above, then run the command again" });
    }
    lastSeen = poll.seen;
    seenCounts.set(poll.seen, (seenCounts.get(poll.seen) ?? 0) + 1);
    const now = o.clock.now();
    o.onProgress?.({ seen: poll.seen, checks, elapsedMs: now - started });
    if (now >= deadline) {
      const counts = [...seenCounts].map(([s, n]) => `${s} x${n}`).join(", ");
      throw new TimeoutError(`timed out after ${formatDuration(now - started)} waiting for ${o.what}: last seen ${JSON.stringify(lastSeen)} (${checks} checks: ${counts})`, {
        hint: o.timeoutHint ?? "run the command again to keep waiting, or raise the timeout",
      });
    }
    await o.clock.sleep(Math.min(delayMs, deadline - now), o.signal);
    delayMs = Math.min(o.maxDelayMs, delayMs * 2);
  }
}
