// Whether a process still runs, and the work folders of processes that no longer do: the lab's
// caches build in "<name>.<tag>-<pid>" folders, and a build killed part way leaves one behind.
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/** processAlive uses signal 0: ESRCH means gone, EPERM means alive but not ours. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * removeDeadWorkFolders deletes the folders in parent named "<anything>.<tag>-<pid>" whose process
 * is gone (this process's own are left to it); returns their names. A missing parent is empty.
 */
export async function removeDeadWorkFolders(parent: string, tag: string): Promise<string[]> {
  const pattern = new RegExp(`\\.${tag}-(\\d+)$`);
  const names = await readdir(parent).catch(() => [] as string[]);
  const dead = names.filter((n) => {
    const pid = Number(pattern.exec(n)?.[1]);
    return pid > 0 && pid !== process.pid && !processAlive(pid);
  });
  for (const n of dead) await rm(join(parent, n), { recursive: true, force: true });
  return dead;
}
