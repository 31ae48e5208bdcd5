// Where the project file and its state folder are; no parsing here, so start-up stays light.
import { dirname, isAbsolute, resolve } from "node:path";

export const DEFAULT_CONFIG_FILE = "pxectl.yaml";
export const STATE_DIR_NAME = ".pxectl";

/** resolveConfigPath applies --config > PXECTL_CONFIG > ./pxectl.yaml. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flag ?? (env.PXECTL_CONFIG || undefined) ?? DEFAULT_CONFIG_FILE;
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/** stateDirFor is the .pxectl folder beside the project file. */
export function stateDirFor(configPath: string): string {
  return resolve(dirname(configPath), STATE_DIR_NAME);
}
