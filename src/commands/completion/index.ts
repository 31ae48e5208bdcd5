// pxectl completion: shell completion scripts generated from the command tree.
import { Argument, type Command } from "commander";
import type { Registrar } from "../../cli/command";
import { SHELLS, type Shell } from "./scripts";
import { type CommandNode, describeTree } from "./tree";

export interface CompletionOptions {
  shell: Shell;
  tree: CommandNode;
}

function root(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

export const register: Registrar = (program, runner) => {
  program
    .command("completion")
    .description("print a shell completion script")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      "\nExamples:\n  source <(pxectl completion bash)                # bash, now\n  pxectl completion zsh > \"${fpath[1]}/_pxectl\"    # zsh, for good\n  pxectl completion fish | source                  # fish",
    )
    .action(
      runner.action<CompletionOptions>("completion", () => import("./completion"), ([shell], _opts, command) => ({
        shell: shell as Shell,
        tree: describeTree(root(command)),
      })),
    );
};
