// What the project use cases need from a run: the project file, state and its lock, the
// run's output, prompts, clock, file system and signal. The CLI's Context is one; tests
// can pass any object with these members.
import type { Clock } from "../core/clock";
import type { FileSystem } from "../config/files";
import type { Project } from "../config/project";
import type { StateStore } from "../config/state";
import type { Output } from "../output/output";
import type { Prompter } from "../output/prompt";

/** Session is a run's view of one project folder. */
export interface Session {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly out: Output;
  readonly prompt: Prompter;
  readonly clock: Clock;
  readonly fs: FileSystem;
  readonly signal: AbortSignal;
  readonly stateDir: string;
  /** Absolute path of the project file (which may not exist). */
  readonly configPath: string;
  readonly display: (path: string) => string;
  project(): Promise<Project>;
  readState(): Promise<StateStore>;
  /** writeState takes the project lock, held until the run ends. */
  writeState(): Promise<StateStore>;
  defer(cleanup: () => unknown): void;
}
