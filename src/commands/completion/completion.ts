import type { CommandResult } from "../../cli/command";
import type { CompletionOptions } from "./index";
import { completionScript } from "./scripts";

/** run returns the script; it is printed as is whatever the output format. */
export function run(options: CompletionOptions): Promise<CommandResult<string>> {
  const script = completionScript(options.shell, options.tree);
  return Promise.resolve({ value: script, render: (v) => v });
}
