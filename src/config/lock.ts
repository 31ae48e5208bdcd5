// The project lock: one file holding {pid, host, command, token}. It is created with
// link(2), which fails if the file exists, so the lock always holds complete content.
// A lock whose process is gone (same host, pid not alive) is taken over.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type { Clock } from "../core/clock";
import { LockedError, StateError } from "../core/errors";
import { type FileSystem, nodeFs, readTextIfExists } from "./files";
import { processAlive } from "../core/process";

/** LockInfo is what a lock file records about its holder. */
export interface LockInfo {
  pid: number;
  host: string;
  command: string;
  started_at: string;
  token: string;
}

/** Lock is a held lock; release it in finally. */
export interface Lock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

export interface LockOptions {
  command: string;
  /** How long to wait for another run to finish; 0 fails at once. */
  timeoutMs: number;
  clock: Clock;
  fs?: FileSystem;
  pid?: number;
  host?: string;
  /** isAlive(pid) tells whether a process on this host still runs. */
  isAlive?: (pid: number) => boolean;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called once, when a live holder makes this run wait: people should know why nothing happens. */
  onWait?: (holder: LockInfo) => void;
}

function parseLock(text: string | undefined): LockInfo | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === "number" && typeof v.host === "string" && typeof v.token === "string") return v as LockInfo;
  } catch {
    // fall through: an unparseable lock is reported, never silently removed
  }
  return undefined;
}

/** acquireLock takes the lock at path, waiting up to timeoutMs for a live holder. */
export async function acquireLock(path: string, o: LockOptions): Promise<Lock> {
  const fs = o.fs ?? nodeFs;
  const isAlive = o.isAlive ?? processAlive;
  const me: LockInfo = {
    pid: o.pid ?? process.pid,
    host: o.host ?? hostname(),
    command: o.command,
    started_at: new Date(o.clock.now()).toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const deadline = o.clock.now() + o.timeoutMs;
  const candidate = join(dirname(path), `.lock.${me.token}.tmp`);
  // written whole before link() publishes it; no rename needed, it is never replaced
  const handle = await fs.open(candidate, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(me) + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
  let waited = false;
  try {
    for (;;) {
      try {
        await fs.link(candidate, path);
        return { info: me, release: () => releaseLock(path, me, fs) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      const text = await readTextIfExists(path, fs);
      const holder = parseLock(text);
      if (text !== undefined && !holder) {
        throw new StateError(`the lock file ${path} is unreadable`, { hint: "if no other pxectl runs, delete it and try again" });
      }
      if (holder && holder.host === me.host && !isAlive(holder.pid)) {
        await takeOverStale(path, holder, fs);
        continue;
      }
      if (holder && o.clock.now() >= deadline) {
        const since = Math.max(0, Math.round((o.clock.now() - Date.parse(holder.started_at)) / 1000));
        throw new LockedError(
          `another pxectl run holds the lock: pid ${holder.pid} on ${holder.host}, "${holder.command}", started ${since}s ago`,
          { hint: holder.host === me.host ? "wait for it to finish, or pass --lock-timeout SECONDS to wait" : `it runs on another host; if it is gone, delete ${path}` },
        );
      }
      if (holder && !waited) {
        waited = true;
        o.onWait?.(holder);
      }
      await o.clock.sleep(o.pollMs ?? 200, o.signal);
    }
  } finally {
    await fs.rm(candidate, { force: true });
  }
}

// Moves the stale lock aside, then checks that what moved is the stale one: if another
// process took over in between, its live lock is put back (link fails if taken again).
async function takeOverStale(path: string, stale: LockInfo, fs: FileSystem): Promise<void> {
  const aside = join(dirname(path), `.lock.stale.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await fs.rename(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  const moved = parseLock(await readTextIfExists(aside, fs));
  if (moved && moved.token !== stale.token) {
    await fs.link(aside, path).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}

async function releaseLock(path: string, me: LockInfo, fs: FileSystem): Promise<void> {
  const holder = parseLock(await readTextIfExists(path, fs));
  if (holder?.token === me.token) await fs.rm(path, { force: true });
}
