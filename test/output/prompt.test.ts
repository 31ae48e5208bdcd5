import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { DeclinedError, UsageError } from "../../src/core/errors";
import { createPrompter, isInteractive } from "../../src/output/prompt";
import { colorWanted } from "../../src/output/style";

const streams = () => ({ output: new PassThrough(), input: new PassThrough(), signal: new AbortController().signal });

describe("prompts", () => {
  it("are interactive only with a terminal on both ends and no opt-out", () => {
    const tty = { stdinTTY: true, stderrTTY: true, yes: false, env: {} };
    expect(isInteractive(tty)).toBe(true);
    expect(isInteractive({ ...tty, stdinTTY: false })).toBe(false);
    expect(isInteractive({ ...tty, stderrTTY: false })).toBe(false);
    expect(isInteractive({ ...tty, yes: true })).toBe(false);
    expect(isInteractive({ ...tty, env: { CI: "true" } })).toBe(false);
    expect(isInteractive({ ...tty, env: { CI: "false" } })).toBe(true);
  });

  it("--yes confirms without asking", async () => {
    const p = createPrompter({ interactive: false, yes: true, ...streams() });
    await expect(p.confirm("delete 3 servers?", {})).resolves.toBeUndefined();
  });

  it("without a terminal a confirmation names the flag to pass", async () => {
    const p = createPrompter({ interactive: false, yes: false, ...streams() });
    const asked = p.confirm("delete 3 servers?", {});
    await expect(asked).rejects.toBeInstanceOf(UsageError);
    await expect(asked).rejects.toMatchObject({ message: "refusing to continue without confirmation: delete 3 servers?", hint: "pass --yes to confirm" });
  });

  it("without a terminal an input uses its default or names its flag", async () => {
    const p = createPrompter({ interactive: false, yes: false, ...streams() });
    await expect(p.input("zone", { flag: "--zone", default: "is1a" })).resolves.toBe("is1a");
    await expect(p.input("allowed address", { flag: "--allow-from" })).rejects.toMatchObject({ hint: "pass --allow-from" });
    await expect(p.select("dhcp mode", [{ name: "full", value: "full" }], { flag: "--dhcp" })).rejects.toMatchObject({ hint: "pass --dhcp" });
  });

  it("on a terminal asks, and a no is a DeclinedError", async () => {
    const s = streams();
    const p = createPrompter({ interactive: true, yes: false, ...s });
    const answer = p.confirm("delete everything?", {});
    setTimeout(() => s.input.write("n\n"), 50);
    await expect(answer).rejects.toBeInstanceOf(DeclinedError);
  });
});

describe("colour", () => {
  it("follows --no-color, NO_COLOR, FORCE_COLOR and the terminal", () => {
    expect(colorWanted({ noColor: false, env: {}, isTTY: true })).toBe(true);
    expect(colorWanted({ noColor: false, env: {}, isTTY: false })).toBe(false);
    expect(colorWanted({ noColor: true, env: {}, isTTY: true })).toBe(false);
    expect(colorWanted({ noColor: false, env: { NO_COLOR: "1" }, isTTY: true })).toBe(false);
    expect(colorWanted({ noColor: false, env: { FORCE_COLOR: "1" }, isTTY: false })).toBe(true);
    expect(colorWanted({ noColor: false, env: { TERM: "dumb" }, isTTY: true })).toBe(false);
  });
});
