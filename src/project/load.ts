// A project's profile directory: found (-f DIR or profiles.dir), loaded and rendered with
// the project's variables, using (and, for push, updating) the cache of compiled configs.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Session } from "./session";
import { ConfigError } from "../core/errors";
import { DEFAULT_CONFIG_FILE } from "../config/paths";
import { type Project, isMissingProject, loadProject, readProjectText } from "../config/project";
import type { NodeRecord } from "../config/state";
import { ensurePrivateDir, readTextIfExists, writeFileAtomic } from "../config/files";
import { type Desired, type ProfileDirectory, ConfigCache, loadProfileDirectory, renderDesired, templateVariables } from "../matchbox/apply";
import { withNodes } from "../nodes/objects";

/** Loaded is a rendered profile directory. */
export interface Loaded {
  directory: ProfileDirectory;
  desired: Desired;
  cache: ConfigCache;
  /** saveCache records what this run compiled (only apply calls it: it holds the project lock). */
  saveCache(): Promise<void>;
}

/**
 * projectFor is the run's project; with no project file here, -f DIR finds the one beside
 * DIR (DIR/../pxectl.yaml, as in examples/) for commands that only read (projectBeside), and
 * the others say to pass it with --config.
 */
async function projectFor(ctx: Session, dirFlag: string | undefined, projectBeside: boolean): Promise<Project> {
  try {
    return await ctx.project();
  } catch (e) {
    if (dirFlag === undefined || !isMissingProject(e) || ctx.configPath !== join(ctx.cwd, DEFAULT_CONFIG_FILE)) throw e;
    const beside = join(dirname(resolve(ctx.cwd, dirFlag)), DEFAULT_CONFIG_FILE);
    if ((await readProjectText(beside, { fs: ctx.fs, display: ctx.display(beside) })) === undefined) throw e;
    if (!projectBeside) throw new ConfigError(e.problems, { hint: `pass the project of ${dirFlag}: --config ${ctx.display(beside)}` });
    ctx.out.verbose(`no ${DEFAULT_CONFIG_FILE} here: using ${ctx.display(beside)}, beside ${dirFlag}`);
    return loadProject(beside, { fs: ctx.fs, display: ctx.display(beside) });
  }
}

/** loadDesired reads -f DIR (or profiles.dir of pxectl.yaml, relative to it) and renders every config.
 * `adding` are nodes not yet in state, rendered as if they were (a recorded node of the same name wins); `warn: false` leaves the warnings to a later load. */
export async function loadDesired(
  ctx: Session,
  dirFlag: string | undefined,
  { adding = {}, warn = true, projectBeside = false }: { adding?: Readonly<Record<string, NodeRecord>>; warn?: boolean; projectBeside?: boolean } = {},
): Promise<Loaded> {
  const project = await projectFor(ctx, dirFlag, projectBeside);
  const dir = dirFlag !== undefined ? resolve(ctx.cwd, dirFlag) : isAbsolute(project.config.profiles.dir) ? project.config.profiles.dir : resolve(project.dir, project.config.profiles.dir);
  const declared = await loadProfileDirectory(dir, { fs: ctx.fs, display: (p) => ctx.display(p), readFileSync: (p) => readFileSync(p) });
  // registered nodes are declared too: their groups come from state
  const state = await ctx.readState();
  const directory = withNodes(declared, { ...adding, ...state.state.nodes }, project.config.nodes, ctx.display(state.paths.state));
  const cacheDir = join(ctx.stateDir, "cache");
  const cacheFile = join(cacheDir, "ignition.json");
  const cache = ConfigCache.parse(await readTextIfExists(cacheFile, ctx.fs));
  const desired = renderDesired(directory, templateVariables(project.config), cache);
  ctx.out.verbose(`configs: ${cache.hits} unchanged since the last apply, ${cache.misses} compiled`);
  if (warn) for (const w of desired.warnings) ctx.out.warn(w);
  return {
    directory,
    desired,
    cache,
    saveCache: async () => {
      await ensurePrivateDir(cacheDir, ctx.fs);
      await writeFileAtomic(cacheFile, cache.serialize(), { fs: ctx.fs });
    },
  };
}
