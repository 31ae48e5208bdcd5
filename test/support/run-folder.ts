// One temporary folder per test run, which every test's temporary files (and those of the
// programs they start) go under through TMPDIR: the run removes it whole at the end, so a
// test that leaks a folder, or a process killed before its cleanup, leaves nothing behind.
// Folders of earlier runs whose process is gone (a run killed outright) are removed first.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PREFIX = "pxectl-tests-";
const OWNER = "owner.pid";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** removeAbandonedRuns deletes run folders under parent whose owning process is gone; returns their names. */
export function removeAbandonedRuns(parent: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    let pid: number;
    try {
      pid = Number(readFileSync(join(parent, name, OWNER), "utf8"));
    } catch {
      continue; // not ours, or being made right now
    }
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** makeRunFolder creates this run's folder under parent, owned by pid; open to all like /tmp (test users write there). */
export function makeRunFolder(parent: string, pid = process.pid): string {
  removeAbandonedRuns(parent);
  const dir = mkdtempSync(join(parent, PREFIX));
  chmodSync(dir, 0o1777);
  writeFileSync(join(dir, OWNER), String(pid));
  return dir;
}

/** leftovers lists what the tests left in a run folder (names with their prefix up to a random suffix, counted). */
export function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => n !== OWNER);
}

/** removeRunFolder deletes the run folder, first saying what tests left in it (they should remove what they make). */
export function removeRunFolder(dir: string, write: (t: string) => void = (t) => process.stderr.write(t)): void {
  const left = leftovers(dir);
  if (left.length > 0) write(`test run: tests left ${left.length} entries in TMPDIR, now removed: ${left.sort().join(" ")}\n`);
  rmSync(dir, { recursive: true, force: true });
}
