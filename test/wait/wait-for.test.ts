import { describe, expect, it } from "vitest";
import { FailedError, TimeoutError } from "../../src/core/errors";
import { type Poll, formatDuration, waitFor } from "../../src/wait";
import { FakeClock } from "../support/clock";

const sequence = <T>(...polls: Poll<T>[]) => {
  let i = 0;
  return () => Promise.resolve(polls[Math.min(i++, polls.length - 1)]!);
};
const base = { what: "disk 1 to be available", minDelayMs: 1000, maxDelayMs: 8000, timeoutMs: 60_000 };

describe("waitFor", () => {
  it("returns the value once the acceptor says success, doubling the delay up to the maximum", async () => {
    const clock = new FakeClock();
    const progress: string[] = [];
    const retryPoll: Poll<string> = { state: "retry", seen: "migrating" };
    const value = await waitFor(sequence(retryPoll, retryPoll, retryPoll, retryPoll, retryPoll, { state: "success", value: "ready" }), {
      ...base,
      clock,
      onProgress: (p) => progress.push(`${p.checks}:${p.seen}:${p.elapsedMs}`),
    });
    expect(value).toBe("ready");
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(progress).toEqual(["1:migrating:0", "2:migrating:1000", "3:migrating:3000", "4:migrating:7000", "5:migrating:15000"]);
  });

  it("times out at the deadline, saying what it last saw and how often", async () => {
    const clock = new FakeClock();
    let n = 0;
    const check = (): Promise<Poll<never>> => Promise.resolve({ state: "retry", seen: n++ < 2 ? "migrating" : "uploading" });
    const error = await waitFor(check, { ...base, minDelayMs: 5000, maxDelayMs: 5000, timeoutMs: 12_000, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('timed out after 12s waiting for disk 1 to be available: last seen "uploading" (4 checks: migrating x2, uploading x2)');
    expect((error as TimeoutError).hint).toMatch(/run the command again/);
    expect(clock.sleeps).toEqual([5000, 5000, 2000]);
  });

  it("stops at a failure verdict with a FailedError", async () => {
    const error = await waitFor(sequence<string>({ state: "failure", reason: 'it is "failed"' }), { ...base, clock: new FakeClock() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FailedError);
    expect((error as FailedError).message).toBe('gave up waiting for disk 1 to be available: it is "failed"');
  });

  it("passes errors from the check through unchanged", async () => {
    const boom = new Error("boom");
    await expect(waitFor(() => Promise.reject(boom), { ...base, clock: new FakeClock() })).rejects.toBe(boom);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    const check = (): Promise<Poll<never>> => {
      controller.abort(new Error("interrupted"));
      return Promise.resolve({ state: "retry", seen: "down" });
    };
    await expect(waitFor(check, { ...base, clock: new FakeClock(), signal: controller.signal })).rejects.toThrow("interrupted");
  });

  it("refuses options that cannot work", async () => {
    await expect(waitFor(sequence({ state: "success", value: 1 }), { ...base, minDelayMs: 10, maxDelayMs: 5, clock: new FakeClock() })).rejects.toThrow(RangeError);
  });
});

describe("formatDuration", () => {
  it.each([
    [450, "450ms"],
    [12_000, "12s"],
    [150_000, "2m30s"],
    [1_200_000, "20m"],
    [3_900_000, "1h5m"],
  ])("%d ms is %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});
