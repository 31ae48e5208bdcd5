// State: .pxectl/state.json beside the project file. It records every resource and
// step so that a crash or Ctrl-C can be resumed or destroyed. Writes are atomic and
// happen only under the project lock; the file is validated on every read.
import { join } from "node:path";
import stateSchema from "../../schemas/state.schema.json";
import type { Clock } from "../core/clock";
import { ConfigError, StateError, formatProblem } from "../core/errors";
import { type FileSystem, ensurePrivateDir, nodeFs, readTextIfExists, removeStaleTemps, writeFileAtomic } from "./files";
import { type LockOptions, acquireLock } from "./lock";
import { validateLocated } from "./validate";
import { parseYaml } from "./yaml";

export const STATE_SCHEMA_VERSION = 1;

export interface StepRecord {
  status: "running" | "done" | "failed";
  started_at?: string;
  finished_at?: string;
  error?: string;
  changed?: boolean;
}

export interface ResourceRecord {
  kind: string;
  id: string | null;
  name: string;
  zone?: string;
  status?: "creating" | "created" | "deleting";
  [extra: string]: unknown;
}

export interface NodeRecord {
  mac: string;
  [extra: string]: unknown;
}

/** NodeCreation is a node add --create under way: what it is making, recorded before the first server. */
export interface NodeCreation {
  names: string[];
  core: number;
  memory_gb: number;
  disk_gb: number;
  /** What each node's record gets besides its MAC and server. */
  record: Omit<NodeRecord, "mac">;
  power_on: boolean;
  started_at: string;
}

/** State is everything pxectl remembers about one environment. */
export interface State {
  schema_version: number;
  env: string | null;
  created_at: string;
  updated_at: string;
  steps: Record<string, StepRecord>;
  resources: Record<string, ResourceRecord>;
  host?: Record<string, unknown> | null;
  matchbox?: Record<string, unknown> | null;
  nodes: Record<string, NodeRecord>;
  node_creation?: NodeCreation | null;
  apply?: Record<string, unknown> | null;
  tls?: Record<string, unknown> | null;
  lab?: Record<string, unknown> | null;
}

/** StatePaths names the files inside the state folder. */
export interface StatePaths {
  dir: string;
  state: string;
  lock: string;
  tls: string;
  ssh: string;
  logs: string;
}

export function statePaths(dir: string): StatePaths {
  return { dir, state: join(dir, "state.json"), lock: join(dir, "lock"), tls: join(dir, "tls"), ssh: join(dir, "ssh"), logs: join(dir, "logs") };
}

export function emptyState(now: number): State {
  const at = new Date(now).toISOString();
  return { schema_version: STATE_SCHEMA_VERSION, env: null, created_at: at, updated_at: at, steps: {}, resources: {}, nodes: {} };
}

/** parseState checks a state file's text; display is the path errors show. */
export function parseState(text: string, display: string): State {
  let doc;
  try {
    doc = parseYaml(text, display);
  } catch (e) {
    const first = e instanceof ConfigError ? e.problems[0] : undefined;
    const at = first?.line === undefined ? display : `${display}:${first.line}:${first.column ?? 1}`;
    throw new StateError(`${at}: not valid JSON`, { cause: e, hint: "the file was damaged or edited by hand; fix it or restore it from a backup" });
  }
  const version = (doc.value as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === "number" && version > STATE_SCHEMA_VERSION) {
    throw new StateError(`${display} was written by a newer pxectl (state schema ${version}, this pxectl knows ${STATE_SCHEMA_VERSION})`, { hint: "upgrade pxectl" });
  }
  const problems = validateLocated(stateSchema, doc);
  if (problems.length > 0) {
    throw new StateError(formatProblem(problems[0]!), { hint: "the state file was edited by hand or damaged; fix the field or restore a backup" });
  }
  return doc.value as State;
}

export interface StateDeps {
  fs?: FileSystem;
  clock: Clock;
  /** display turns an absolute path into what messages show. */
  display?: (path: string) => string;
}

/** StateStore holds the state in memory; update() writes it through atomically. */
export class StateStore {
  private constructor(
    readonly paths: StatePaths,
    private current: State,
    private readonly fs: FileSystem,
    private readonly clock: Clock,
    private readonly writable: boolean,
  ) {}

  private queue: Promise<unknown> = Promise.resolve();

  /** read loads the state without locking: for commands that only look. */
  static async read(dir: string, deps: StateDeps): Promise<StateStore> {
    const paths = statePaths(dir);
    const fs = deps.fs ?? nodeFs;
    const display = deps.display?.(paths.state) ?? paths.state;
    const text = await readTextIfExists(paths.state, fs).catch((e: NodeJS.ErrnoException) => {
      throw new StateError(`${display} cannot be read (${e.code ?? e.message})`, { cause: e, hint: "it must be a file this user can read; restore it from a backup" });
    });
    const state = text === undefined ? emptyState(deps.clock.now()) : parseState(text, display);
    return new StateStore(paths, state, fs, deps.clock, false);
  }

  /** openForWrite takes the lock, then loads; call release() when done. */
  static async openForWrite(
    dir: string,
    deps: StateDeps & { command: string; lockTimeoutMs: number; signal?: AbortSignal; onWait?: LockOptions["onWait"] },
  ): Promise<{ store: StateStore; release: () => Promise<void> }> {
    const fs = deps.fs ?? nodeFs;
    const paths = statePaths(dir);
    await ensurePrivateDir(dir, fs);
    const lock = await acquireLock(paths.lock, { command: deps.command, timeoutMs: deps.lockTimeoutMs, clock: deps.clock, fs, signal: deps.signal, onWait: deps.onWait });
    try {
      await removeStaleTemps(dir, fs);
      const read = await StateStore.read(dir, deps);
      const store = new StateStore(paths, read.current, fs, deps.clock, true);
      return { store, release: () => lock.release() };
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  get state(): Readonly<State> {
    return this.current;
  }

  /** update applies mutate to a copy, validates it and writes it atomically. */
  update(mutate: (draft: State) => void): Promise<Readonly<State>> {
    if (!this.writable) return Promise.reject(new Error("state opened read-only: use StateStore.openForWrite"));
    // one write at a time, each on the state the previous one left: concurrent callers
    // (nodes created in parallel, each recorded at once) would otherwise lose each other's change
    const write = this.queue.then(() => this.write(mutate));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(mutate: (draft: State) => void): Promise<Readonly<State>> {
    const draft = structuredClone(this.current);
    mutate(draft);
    draft.updated_at = new Date(this.clock.now()).toISOString();
    const text = JSON.stringify(draft, null, 2) + "\n";
    parseState(text, this.paths.state); // never write what would not load again
    await ensurePrivateDir(this.paths.dir, this.fs);
    await writeFileAtomic(this.paths.state, text, { fs: this.fs });
    this.current = draft;
    return draft;
  }
}
