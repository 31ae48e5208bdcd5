// The command tree as plain data, read from commander, so completion scripts are
// generated from the same definitions as --help and can never list a missing command.
import type { Command } from "commander";

export interface OptionSpec {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices?: readonly string[];
  /** A value that names a file or folder: completed from the file system. */
  isPath: boolean;
}

export interface CommandNode {
  /** Space-separated path from the root, "" for the root itself. */
  path: string;
  name: string;
  description: string;
  options: OptionSpec[];
  commands: CommandNode[];
}

const PATH_OPTION = /file|config|dir|key|binary|cert|path/i;

function optionsOf(cmd: Command): OptionSpec[] {
  return cmd.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      description: o.description,
      takesValue: o.required || o.optional,
      choices: o.argChoices,
      isPath: (o.required || o.optional) && !o.argChoices && PATH_OPTION.test(o.long ?? ""),
    }));
}

/** describeTree walks a commander program into a CommandNode tree. */
export function describeTree(cmd: Command, path = ""): CommandNode {
  return {
    path,
    name: cmd.name(),
    description: cmd.description(),
    options: optionsOf(cmd),
    commands: cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => describeTree(c, path ? `${path} ${c.name()}` : c.name())),
  };
}

/** flatten lists every node, root first. */
export function flatten(node: CommandNode): CommandNode[] {
  return [node, ...node.commands.flatMap(flatten)];
}
