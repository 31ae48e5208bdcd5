// Private files: atomic writes (temp file, fsync, rename, fsync dir) and 0700 folders.
// A crash at any point leaves either the old file or the new one, never a mix.
import { readFileSync } from "node:fs";
import type * as fsp from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** FileSystem is the part of node:fs/promises pxectl uses; tests may wrap it to inject faults. */
export type FileSystem = Pick<typeof fsp, "open" | "readFile" | "rename" | "unlink" | "mkdir" | "chmod" | "stat" | "link" | "readdir" | "rm">;

// node:fs/promises is loaded on first use, not with this module: it loads readline, fs.Dir
// and the file watchers, milliseconds of every start that reads a project (which reads
// synchronously: readTextIfExists)
let promises: Promise<typeof fsp> | undefined;
function onFirstUse<K extends keyof FileSystem>(name: K): FileSystem[K] {
  const call = async (...args: unknown[]): Promise<unknown> => {
    const fs = await (promises ??= import("node:fs/promises"));
    return (fs[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  };
  return call as FileSystem[K];
}

export const nodeFs: FileSystem = {
  open: onFirstUse("open"),
  readFile: onFirstUse("readFile"),
  rename: onFirstUse("rename"),
  unlink: onFirstUse("unlink"),
  mkdir: onFirstUse("mkdir"),
  chmod: onFirstUse("chmod"),
  stat: onFirstUse("stat"),
  link: onFirstUse("link"),
  readdir: onFirstUse("readdir"),
  rm: onFirstUse("rm"),
};

const TEMP_SUFFIX = ".tmp";

/** writeFileAtomic replaces path with data; readers see the old or the new content, whole. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, { mode = 0o600, fs = nodeFs }: { mode?: number; fs?: FileSystem } = {}): Promise<void> {
  // loaded here, not with this module: node:crypto costs milliseconds of every start that reads a project
  const { randomBytes } = await import("node:crypto");
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`);
  const handle = await fs.open(temp, "wx", mode);
  try {
    try {
      await handle.chmod(mode); // open()'s mode is filtered by the umask
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  await syncDir(dirname(path), fs);
}

async function syncDir(dir: string, fs: FileSystem): Promise<void> {
  const handle = await fs.open(dir, "r");
  try {
    await handle.sync();
  } catch {
    // some file systems refuse fsync on directories; the rename is still atomic
  } finally {
    await handle.close();
  }
}

/** ensurePrivateDir creates dir (and parents) and makes dir itself 0700. */
export async function ensurePrivateDir(dir: string, fs: FileSystem = nodeFs): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
}

const LOCK_CANDIDATE_PREFIX = ".lock.";
const ABANDONED_CANDIDATE_MS = 10 * 60_000;

/** removeStaleTemps deletes temp files a crashed writer left in dir; call only under the lock. */
export async function removeStaleTemps(dir: string, fs: FileSystem = nodeFs, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(".") || !name.endsWith(TEMP_SUFFIX)) continue;
    const path = join(dir, name);
    // a waiting run's lock candidate is live; only an old one was abandoned by a crash
    if (name.startsWith(LOCK_CANDIDATE_PREFIX)) {
      const modified = (await fs.stat(path).catch(() => undefined))?.mtimeMs ?? now;
      if (now - modified <= ABANDONED_CANDIDATE_MS) continue;
    }
    await fs.rm(path, { force: true });
    removed++;
  }
  return removed;
}

/** readTextIfExists returns a file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string, fs: FileSystem = nodeFs): Promise<string | undefined> {
  try {
    // node's own file system reads these small files synchronously: the first asynchronous
    // read starts libuv's thread pool, which costs a short command more than the read
    if (fs.readFile === nodeFs.readFile) return readFileSync(path, "utf8");
    return await fs.readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
