// The test run's own TMPDIR: made under the given parent, open to test users like /tmp,
// removed whole at the end (saying what tests left in it), and a killed run's folder is
// removed by the next run while a live run's stays.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeRunFolder, removeRunFolder } from "../support/run-folder";
import { tempDir } from "../support/tempdir";

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

describe("the test run's folder", () => {
  it("replaces the folders of killed runs, keeps those of live ones, and is removed whole with a word on what tests left", async () => {
    const parent = tempDir();
    const killed = makeRunFolder(parent, await deadPid());
    mkdirSync(join(killed, "pxectl-binary-x"));
    const other = makeRunFolder(parent, process.ppid); // a live process: another run
    const mine = makeRunFolder(parent);
    expect(existsSync(killed)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(statSync(mine).mode & 0o7777).toBe(0o1777);
    writeFileSync(join(mine, "pxectl-test-abc"), "left behind");
    const said: string[] = [];
    removeRunFolder(mine, (t) => said.push(t));
    expect(said).toEqual(["test run: tests left 1 entries in TMPDIR, now removed: pxectl-test-abc\n"]);
    expect(readdirSync(parent)).toEqual([other.split("/").pop()]);
  });
});
