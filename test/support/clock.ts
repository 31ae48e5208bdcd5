// FakeClock: time moves only when a test or a sleep moves it; sleeps are recorded.
import type { Clock } from "../../src/core/clock";

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private t = Date.parse("2026-11-22T00:00:00Z")) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}
