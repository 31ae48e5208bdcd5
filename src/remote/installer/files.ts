// Files the installer owns: compared with what is on the target (content, mode, owner) in
// one round trip, written only when they differ, and activated all at once after every
// changed file passed its check. A file that fails its check is never put in place; one
// that was put in place can be rolled back until the services that read it are running.
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { quote, quoteAll } from "../shell";
import { type Account, ROOT_ACCOUNT } from "./accounts";
import type { Target } from "./target";

/** DesiredFile is a file as the installer wants it on the target. */
export interface DesiredFile {
  /** Path on the target system, e.g. /etc/pxectl/dnsmasq.conf. */
  path: string;
  content: string | Uint8Array;
  mode: number;
  /** Owner and group; root when absent. */
  owner?: Account;
}

/**
 * Validator checks files before they are activated. It receives every file of the set:
 * target path -> host path of the new version (changed files) or of the live one.
 */
export type Validator = (files: ReadonlyMap<string, string>) => Promise<void>;

/** Activated files can be rolled back until finish() drops the old versions. */
export interface Activated {
  /** Target paths that were written. */
  paths: readonly string[];
  rollback(): Promise<void>;
  finish(): Promise<void>;
}

interface Observed {
  mode: number;
  uid: number;
  gid: number;
  sha256: string;
}

const NEW_SUFFIX = ".pxectl-new";
const PREVIOUS_SUFFIX = ".pxectl-prev";
/** ABSENT_SUFFIX marks a file that did not exist before its activation: rolling back removes it. */
const ABSENT_SUFFIX = ".pxectl-absent";

/** FileSet is a group of files checked and activated together (e.g. a unit and its drop-in). */
export class FileSet {
  private constructor(
    private readonly target: Target,
    private readonly files: readonly DesiredFile[],
    /** The files that differ from the target, in the order given. */
    readonly changed: readonly DesiredFile[],
  ) {}

  /** plan compares the desired files with the target's. */
  static async plan(target: Target, files: readonly DesiredFile[]): Promise<FileSet> {
    const observed = await observe(target, files.map((f) => f.path));
    const changed = files.filter((f, i) => !matches(f, observed[i]));
    return new FileSet(target, files, changed);
  }

  /** apply checks and activates the changed files; with nothing changed it does nothing. */
  async apply(validate?: Validator): Promise<Activated> {
    const t = this.target;
    if (this.changed.length === 0) return { paths: [], rollback: () => Promise.resolve(), finish: () => Promise.resolve() };
    const dirs = [...new Set(this.changed.map((f) => t.path(posix.dirname(f.path))))];
    await t.run(`mkdir -p -- ${quoteAll(dirs)}`, { label: `create ${dirs.join(" ")}` });
    const staged = new Map(this.files.map((f) => [f.path, t.path(f.path)]));
    for (const file of this.changed) {
      const owner = file.owner ?? ROOT_ACCOUNT;
      const path = stagedPath(t.path(file.path));
      await t.host.upload(file.content, path, { mode: file.mode, owner: String(owner.uid), group: String(owner.gid) });
      staged.set(file.path, path);
    }
    const news = this.changed.map((f) => staged.get(f.path)!);
    try {
      await validate?.(staged);
    } catch (e) {
      await t.run(`rm -f -- ${quoteAll(news)}`, { label: "remove refused files" });
      throw e;
    }
    return swapIn(
      t,
      this.changed.map((f) => ({ path: f.path, staged: staged.get(f.path)! })),
    );
  }
}

/** NEW_SUFFIX marks a staged file beside its target: `.<name>.pxectl-new`. */
export function stagedPath(hostPath: string): string {
  return sibling(hostPath, NEW_SUFFIX);
}

/**
 * swapIn moves staged files (host paths) over their targets (target paths) in one command,
 * keeping each old version beside it as a hard link (no copy) for rollback(), or a marker
 * when there was none. An old version kept already is left alone: it is what the service
 * still runs with, because the run that replaced it stopped before the service was
 * restarted. A staged file already gone was moved by this same command before its
 * connection dropped: repeating it changes nothing.
 */
export async function swapIn(t: Target, entries: ReadonlyArray<{ path: string; staged: string }>): Promise<Activated> {
  const swap = entries.map(({ path, staged }) => {
    const live = quote(t.path(path));
    const previous = quote(sibling(t.path(path), PREVIOUS_SUFFIX));
    const absent = quote(sibling(t.path(path), ABSENT_SUFFIX));
    const keep = `if [ ! -e ${previous} ] && [ ! -e ${absent} ]; then if [ -e ${live} ]; then ln -f ${live} ${previous}; else : > ${absent}; fi; fi`;
    return `if [ -e ${quote(staged)} ]; then ${keep}; mv -f -- ${quote(staged)} ${live}; fi`;
  });
  await t.run(swap.join("\n"), { label: `activate ${entries.map((e) => e.path).join(" ")}` });
  return activation(t, entries.map((e) => e.path));
}

/**
 * pendingPaths returns the paths whose previous version (or absence) is still kept: an
 * earlier run activated them and stopped before their service ran with them, so it must
 * restart now.
 */
export async function pendingPaths(t: Target, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const kept = (p: string) => [sibling(t.path(p), PREVIOUS_SUFFIX), sibling(t.path(p), ABSENT_SUFFIX)];
  const { stdout } = await t.run(`for f in ${quoteAll(paths.flatMap(kept))}; do if [ -e "$f" ]; then echo "$f"; fi; done`, { label: "look for unfinished activations" });
  const found = new Set(stdout.split("\n"));
  return paths.filter((p) => kept(p).some((f) => found.has(f)));
}

/** activation is the rollback and finish handle for activated paths. */
export function activation(t: Target, paths: readonly string[]): Activated {
  return {
    paths,
    rollback: async () => {
      await t.run(paths.map((p) => restore(t.path(p))).join("\n"), { label: `restore ${paths.join(" ")}` });
    },
    finish: async () => {
      await t.run(`rm -f -- ${quoteAll(paths.flatMap((p) => [sibling(t.path(p), PREVIOUS_SUFFIX), sibling(t.path(p), ABSENT_SUFFIX)]))}`, { label: "remove previous versions" });
    },
  };
}

// A file that did not exist before is removed; with neither mark left, the rollback is
// done already (this command, repeated after a dropped connection) and changes nothing.
function restore(live: string): string {
  const previous = quote(sibling(live, PREVIOUS_SUFFIX));
  const absent = quote(sibling(live, ABSENT_SUFFIX));
  return `if [ -e ${previous} ]; then mv -f -- ${previous} ${quote(live)}; elif [ -e ${absent} ]; then rm -f -- ${quote(live)} ${absent}; fi`;
}

function sibling(path: string, suffix: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}${suffix}`);
}

function matches(file: DesiredFile, seen: Observed | undefined): boolean {
  const owner = file.owner ?? ROOT_ACCOUNT;
  return seen !== undefined && seen.mode === file.mode && seen.uid === owner.uid && seen.gid === owner.gid && seen.sha256 === sha256(file.content);
}

/** sha256 is a content's hex SHA-256, as sha256sum prints it. */
export function sha256(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

async function observe(target: Target, paths: readonly string[]): Promise<Array<Observed | undefined>> {
  if (paths.length === 0) return [];
  const script = [
    `set -- ${quoteAll(paths.map((p) => target.path(p)))}`,
    'for p do if [ -f "$p" ]; then echo "$(stat -c \'%a %u %g\' -- "$p") $(sha256sum < "$p" | cut -c1-64)"; else echo missing; fi; done',
  ].join("\n");
  const { stdout } = await target.run(script, { label: `inspect ${paths.join(" ")}`, logOutput: false });
  return stdout
    .trimEnd()
    .split("\n")
    .map((line) => {
      const [mode, uid, gid, sha] = line.split(" ");
      return line === "missing" || sha === undefined ? undefined : { mode: parseInt(mode!, 8), uid: Number(uid), gid: Number(gid), sha256: sha };
    });
}

/** allOf runs validators one after another; the first to throw refuses the set. */
export function allOf(...validators: Validator[]): Validator {
  return async (files) => {
    for (const validate of validators) await validate(files);
  };
}
