// Two real pxectl processes (the bundle) register a node each in the same project at the
// same moment, PXECTL_CONCURRENCY_ROUNDS times (default 100). With --lock-timeout 0 one may
// fail with the locked exit code; with a timeout the second waits and says so. After every
// round state.json must load and validate and hold exactly the nodes that were added.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseState } from "../../src/config/state";
import { EXIT_CODES } from "../../src/core/errors";
import { type CliRun, spawnCli } from "../support/cli";
import { exampleProject, startTestMatchbox } from "../support/matchbox-harness";

const ROUNDS = Number(process.env.PXECTL_CONCURRENCY_ROUNDS ?? 100);
const LOCKED = EXIT_CODES.find((e) => e.code === "locked")!.exitCode;

/** lane runs rounds on one project of its own, and counts into tally. */
async function lane(id: number, rounds: number, tally: { waited: number; locked: number; corrupt: number }): Promise<void> {
  const mb = await startTestMatchbox({ logLevel: "error" });
  const p = exampleProject(mb);
  // a profile directory with nothing to render: the round's cost is the lock and the push
  rmSync(join(p.cwd, "profiles"), { recursive: true });
  mkdirSync(join(p.cwd, "profiles"));
  writeFileSync(join(p.cwd, "profiles/boot.yaml"), "kind: profile\nid: flatcar-install\nboot:\n  kernel: /k\n---\nkind: profile\nid: flatcar\nboot:\n  kernel: /k\n");
  const expected = new Map<string, string>();
  for (let round = 0; round < rounds; round++) {
    const lockTimeout = round % 2 === 0 ? "0" : "30";
    const runs = ["a", "b"].map((who, i) => {
      const name = `${who}-${round}`;
      const mac = `52:54:0${id}:${(round >> 8).toString(16).padStart(2, "0")}:${(round & 0xff).toString(16).padStart(2, "0")}:0${i + 1}`;
      return { name, mac, done: spawnCli(["--lock-timeout", lockTimeout, "node", "add", "--mac", mac, "--name", name], { cwd: p.cwd, env: p.env }) };
    });
    const results: CliRun[] = await Promise.all(runs.map((r) => r.done));
    results.forEach((r, i) => {
      if (r.exitCode === 0) expected.set(runs[i]!.name, runs[i]!.mac);
      else {
        expect(`${r.exitCode} ${r.stderr.split("\n")[0]}`).toMatch(new RegExp(`^${LOCKED} error: another pxectl run holds the lock`));
        expect(lockTimeout).toBe("0");
        tally.locked++;
      }
      if (r.stderr.includes("waiting up to 30s for pid")) tally.waited++;
    });
    expect(results.some((r) => r.exitCode === 0)).toBe(true);
    let nodes: Record<string, { mac: string }> = {};
    try {
      nodes = parseState(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8"), "state.json").nodes;
    } catch (e) {
      tally.corrupt++;
      throw e;
    }
    expect(Object.fromEntries(Object.entries(nodes).map(([name, n]) => [name, n.mac]))).toEqual(Object.fromEntries(expected));
    expect(existsSync(join(p.cwd, ".pxectl/lock"))).toBe(false);
    expect(readdirSync(join(p.cwd, ".pxectl")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  }
}

describe("two pxectl runs on one project", () => {
  it(`take turns on the lock and never corrupt state (${ROUNDS} rounds)`, async () => {
    const tally = { waited: 0, locked: 0, corrupt: 0 };
    // two projects side by side, half the rounds each: both cores busy, each round still a pair on one project
    await Promise.all([lane(1, Math.ceil(ROUNDS / 2), tally), lane(2, Math.floor(ROUNDS / 2), tally)]);
    process.stderr.write(`concurrency: ${ROUNDS} rounds, ${tally.waited} waited, ${tally.locked} locked, ${tally.corrupt} corrupt\n`);
    expect(tally.waited + tally.locked).toBeGreaterThan(0); // the runs did meet on the lock
  }, 600_000);
});
