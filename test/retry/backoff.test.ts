import { describe, expect, it } from "vitest";
import { fullJitterBackoff } from "../../src/retry";

describe("fullJitterBackoff", () => {
  it("doubles its ceiling from 1 s up to the 64 s cap", () => {
    const top = fullJitterBackoff({ random: () => 0.999999 });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => Math.round(top(n) / 1000))).toEqual([1, 2, 4, 8, 16, 32, 64, 64, 64]);
  });

  it("draws each wait uniformly below the ceiling (full jitter)", () => {
    expect(fullJitterBackoff({ random: () => 0 })(5)).toBe(0);
    expect(fullJitterBackoff({ random: () => 0.5 })(3)).toBe(2000);
    expect(fullJitterBackoff({ baseMs: 10, capMs: 100, random: () => 0.5 })(10)).toBe(50);
  });

  it("refuses a cap below the base", () => {
    expect(() => fullJitterBackoff({ baseMs: 100, capMs: 10 })).toThrow(RangeError);
  });
});
