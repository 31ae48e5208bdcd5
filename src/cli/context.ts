// Context: what every command receives. Built once per run from the global options;
// the project file and state are loaded only when a command asks for them.
import { createWriteStream } from "node:fs";
import { join, relative } from "node:path";
import type { Clock } from "../core/clock";
// nodeFs loads node:fs/promises on first use (a command's), not when a command starts
import { type FileSystem, nodeFs } from "../config/files";
import { stateDirFor } from "../config/paths";
import type { Project } from "../config/project";
import type { StateStore } from "../config/state";
import type { Output, OutputMode } from "../output/output";
import type { Prompter } from "../output/prompt";

/** GlobalOptions are the options every command accepts. */
export interface GlobalOptions {
  config?: string;
  output: OutputMode;
  yes: boolean;
  color: boolean;
  verbose: boolean;
  quiet: boolean;
  lockTimeout: number;
}

/** Context is a command's whole view of the world; tests build one with fakes. */
export interface Context {
  readonly globals: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly out: Output;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly signal: AbortSignal;
  /** Absolute path of the project file (which may not exist). */
  readonly configPath: string;
  readonly stateDir: string;
  /** display shows a path relative to the working directory. */
  readonly display: (path: string) => string;
  project(): Promise<Project>;
  readState(): Promise<StateStore>;
  /** writeState takes the project lock (held until the run ends) and opens the run log. */
  writeState(): Promise<StateStore>;
  /** defer registers cleanup run when the command ends, last registered first. */
  defer(cleanup: () => unknown): void;
}

export interface ContextDeps {
  globals: GlobalOptions;
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: Output;
  prompt: Prompter;
  clock: Clock;
  signal: AbortSignal;
  configPath: string;
  command: string;
  fs?: FileSystem;
}

const KEPT_RUN_LOGS = 30;

/** RunContext implements Context and owns the run's cleanups. */
export class RunContext implements Context {
  readonly globals: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly out: Output;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly signal: AbortSignal;
  readonly configPath: string;
  readonly stateDir: string;
  private readonly command: string;
  private readonly cleanups: Array<() => unknown> = [];
  private projectPromise: Promise<Project> | undefined;
  private writable: Promise<StateStore> | undefined;

  constructor(d: ContextDeps) {
    this.globals = d.globals;
    this.env = d.env;
    this.cwd = d.cwd;
    this.out = d.out;
    this.prompt = d.prompt;
    this.clock = d.clock;
    this.fs = d.fs ?? nodeFs;
    this.signal = d.signal;
    this.configPath = d.configPath;
    this.stateDir = stateDirFor(d.configPath);
    this.command = d.command;
  }

  display = (path: string): string => {
    const rel = relative(this.cwd, path);
    return rel === "" ? "." : rel.startsWith("..") ? path : rel;
  };

  // project and state code (yaml, ajv) loads on first use: --help never pays for it
  project(): Promise<Project> {
    this.projectPromise ??= import("../config/project").then(({ loadProject }) =>
      loadProject(this.configPath, { fs: this.fs, display: this.display(this.configPath) }),
    );
    return this.projectPromise;
  }

  async readState(): Promise<StateStore> {
    if (this.writable) return this.writable;
    const { StateStore } = await import("../config/state");
    return StateStore.read(this.stateDir, { fs: this.fs, clock: this.clock, display: this.display });
  }

  writeState(): Promise<StateStore> {
    this.writable ??= (async () => {
      const { StateStore } = await import("../config/state");
      const { store, release } = await StateStore.openForWrite(this.stateDir, {
        fs: this.fs,
        clock: this.clock,
        display: this.display,
        command: `pxectl ${this.command}`,
        lockTimeoutMs: this.globals.lockTimeout * 1000,
        signal: this.signal,
        onWait: (holder) => this.out.info(`waiting up to ${this.globals.lockTimeout}s for pid ${holder.pid} ("${holder.command}") to release the project lock`),
      });
      this.defer(release);
      await this.openRunLog();
      return store;
    })();
    return this.writable;
  }

  private async openRunLog(): Promise<void> {
    const { statePaths } = await import("../config/state");
    const { ensurePrivateDir } = await import("../config/files");
    const { logs } = statePaths(this.stateDir);
    await ensurePrivateDir(logs, this.fs);
    const stamp = new Date(this.clock.now()).toISOString().replace(/[:.]/g, "-");
    const file = join(logs, `${stamp}-${this.command.replace(/[^a-z0-9]+/gi, "-")}.log`);
    const stream = createWriteStream(file, { flags: "a", mode: 0o600 });
    this.out.attachLog((line) => stream.write(line + "\n"));
    this.defer(() => new Promise((resolve) => stream.end(resolve)));
    const names = (await nodeFs.readdir(logs)).filter((n) => n.endsWith(".log")).sort();
    for (const old of names.slice(0, Math.max(0, names.length - KEPT_RUN_LOGS))) await nodeFs.rm(join(logs, old), { force: true });
  }

  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** close runs every cleanup, even when some fail; the first failure is rethrown. */
  async close(): Promise<void> {
    let failure: unknown;
    for (const c of this.cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(`cleanup failed: ${JSON.stringify(failure)}`);
  }
}
