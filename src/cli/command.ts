// The contract between the CLI frame and a command: options in, a result out.
// Commands never print data themselves and never exit.
import type { Command } from "commander";
import type { Style } from "../output/style";
import type { Context } from "./context";

/** CommandResult is what a command returns: its data and how to show it to people. */
export interface CommandResult<T = unknown> {
  value: T;
  /** render shows the value to people (method syntax: results of any type fit CommandResult). */
  render?(value: T, style: Style): string;
  /** A non-zero code for a command that ran but whose checks failed. */
  exitCode?: number;
}

/** CommandModule is a lazily loaded command implementation. */
export interface CommandModule<O> {
  run(options: O, ctx: Context): Promise<CommandResult | undefined>;
}

/** Runner turns a lazily loaded module into a commander action. */
export interface Runner {
  action<O>(
    name: string,
    load: () => Promise<CommandModule<O>>,
    toOptions?: (args: unknown[], options: Record<string, unknown>, command: Command) => O,
  ): (...args: unknown[]) => Promise<void>;
}

/** Registrar adds one noun's commands to the program. */
export type Registrar = (program: Command, runner: Runner) => void;
