import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import type { ProjectConfig } from "../../config/project";

/** run prints the validated configuration with every default applied. */
export async function run(_options: unknown, ctx: Context): Promise<CommandResult<ProjectConfig>> {
  const { config } = await ctx.project();
  const { stringify } = await import("yaml");
  return { value: config, render: (v) => stringify(v).trimEnd() };
}
