import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";

export interface ValidateResult {
  file: string;
  valid: true;
  name: string;
}

/** run loads the project file and checks what init would; an invalid one throws a ConfigError. */
export async function run(_options: unknown, ctx: Context): Promise<CommandResult<ValidateResult>> {
  const project = await ctx.project();
  // addresses that must agree with each other: without this, init is the first to refuse them
  const { hostSettings } = await import("../../remote/installer/settings");
  hostSettings(project.config, ctx.display(project.path), project.locate);
  return {
    value: { file: ctx.display(project.path), valid: true, name: project.config.name },
    render: (v, s) => `${s.green("✓")} ${v.file} is valid (environment ${s.bold(v.name)})`,
  };
}
