import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/clock";
import { TokenBucket } from "../../src/retry";
import { FakeClock } from "../support/clock";

/** A clock that records sleeps without moving: shows each caller's reserved wait. */
class FrozenClock implements Clock {
  readonly sleeps: number[] = [];
  now = () => 0;
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return Promise.resolve();
  }
}

describe("TokenBucket", () => {
  it("spaces concurrent callers evenly at the rate (5 per second by default)", async () => {
    const clock = new FrozenClock();
    const bucket = new TokenBucket({ clock });
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    expect(clock.sleeps).toEqual([200, 400, 600, 800]);
  });

  it("lets a burst through at once, then paces", async () => {
    const clock = new FrozenClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, clock });
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    expect(clock.sleeps).toEqual([100, 200]);
  });

  it("refills with time and never stores more than the burst", async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 5, clock });
    await bucket.take();
    clock.advance(10_000);
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([200]);
  });

  it("gives an aborted caller's place back", async () => {
    const clock = new FrozenClock();
    const bucket = new TokenBucket({ clock });
    await bucket.take();
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(bucket.take(controller.signal)).rejects.toThrow("stop");
    await bucket.take();
    expect(clock.sleeps).toEqual([200]);
  });

  it("refuses a rate of zero", () => {
    expect(() => new TokenBucket({ ratePerSecond: 0 })).toThrow(/above 0/);
  });
});
