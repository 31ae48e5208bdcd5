// Shared by the profile commands: find the profile directory, load it and render it with
// the project's variables.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Context } from "../../cli/context";
import { type Desired, type ProfileDirectory, loadProfileDirectory, renderDesired, templateVariables } from "../../matchbox/apply";

/** Loaded is a rendered profile directory. */
export interface Loaded {
  directory: ProfileDirectory;
  desired: Desired;
}

/** loadDesired reads -f DIR (or profiles.dir of pxectl.yaml, relative to it) and renders every config. */
export async function loadDesired(ctx: Context, dirFlag: string | undefined): Promise<Loaded> {
  const project = await ctx.project();
  const dir = dirFlag !== undefined ? resolve(ctx.cwd, dirFlag) : isAbsolute(project.config.profiles.dir) ? project.config.profiles.dir : resolve(project.dir, project.config.profiles.dir);
  const directory = await loadProfileDirectory(dir, { fs: ctx.fs, display: (p) => ctx.display(p), readFileSync: (p) => readFileSync(p) });
  const desired = renderDesired(directory, templateVariables(project.config));
  for (const w of desired.warnings) ctx.out.warn(w);
  return { directory, desired };
}
