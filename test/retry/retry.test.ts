import { describe, expect, it } from "vitest";
import { type ErrorClass, RetriesExhaustedError, TokenBucket, fullJitterBackoff, retry } from "../../src/retry";
import { FakeClock } from "../support/clock";

class Failure extends Error {
  constructor(readonly cls: ErrorClass) {
    super(cls);
  }
}
const classify = (e: unknown): ErrorClass => (e instanceof Failure ? e.cls : "fatal");
const failing = (...classes: ErrorClass[]) => {
  let calls = 0;
  const fn = (n: number) => {
    calls++;
    const cls = classes[n - 1];
    return cls ? Promise.reject(new Failure(cls)) : Promise.resolve(`ok after ${n}`);
  };
  return { fn, calls: () => calls };
};

describe("retry", () => {
  it("retries throttling and transient failures with the backoff's waits", async () => {
    const clock = new FakeClock();
    const { fn } = failing("throttling", "transient", "throttling");
    const events: string[] = [];
    const result = await retry(fn, { classify, clock, backoff: fullJitterBackoff({ random: () => 0.5 }), onRetry: (e) => events.push(`${e.attempt}:${e.errorClass}:${e.delayMs}`) });
    expect(result).toBe("ok after 4");
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(events).toEqual(["1:throttling:500", "2:transient:1000", "3:throttling:2000"]);
  });

  it("rethrows a fatal error at once, unchanged", async () => {
    const { fn, calls } = failing("throttling", "fatal");
    const error = await retry(fn, { classify, clock: new FakeClock() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Failure);
    expect((error as Failure).cls).toBe("fatal");
    expect(calls()).toBe(2);
  });

  it("gives up after maxAttempts with the last error and the count", async () => {
    const { fn, calls } = failing(...Array<ErrorClass>(20).fill("throttling"));
    const error = await retry(fn, { classify, clock: new FakeClock(), maxAttempts: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error).toMatchObject({ attempts: 4, errorClass: "throttling", message: "gave up after 4 attempts: throttling" });
    expect(calls()).toBe(4);
  });

  it("makes 11 attempts by default, as the Go clients' 10 retries", async () => {
    const { fn, calls } = failing(...Array<ErrorClass>(20).fill("transient"));
    await expect(retry(fn, { classify, clock: new FakeClock() })).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(calls()).toBe(11);
  });

  it("takes a rate-limit token before every attempt, retries included", async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucket({ ratePerSecond: 1, clock });
    const { fn } = failing("throttling", "throttling");
    await retry(fn, { classify, clock, limiter, backoff: () => 0 });
    expect(clock.sleeps).toEqual([0, 1000, 0, 1000]);
  });

  it("stops waiting when aborted", async () => {
    const controller = new AbortController();
    const { fn, calls } = failing("throttling", "throttling", "throttling");
    const clock = new FakeClock();
    const onRetry = () => controller.abort(new Error("interrupted"));
    await expect(retry(fn, { classify, clock, signal: controller.signal, onRetry })).rejects.toThrow("interrupted");
    expect(calls()).toBe(1);
  });
});
