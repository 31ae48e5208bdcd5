import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";

export interface ValidateResult {
  file: string;
  valid: true;
  name: string;
}

/** run loads the project file; an invalid one throws a located ConfigError. */
export async function run(_options: unknown, ctx: Context): Promise<CommandResult<ValidateResult>> {
  const project = await ctx.project();
  return {
    value: { file: ctx.display(project.path), valid: true, name: project.config.name },
    render: (v, s) => `${s.green("✓")} ${v.file} is valid (environment ${s.bold(v.name)})`,
  };
}
