// usacloud profiles: ~/.usacloud/<profile>/config.json, the current one named in
// ~/.usacloud/current. Users who set up usacloud or Terraform already have one.
import { join } from "node:path";
import { ConfigError } from "../core/errors";
import { type FileSystem, nodeFs, readTextIfExists } from "../config/files";

/** UsacloudProfile is the part of a profile pxectl reads. */
export interface UsacloudProfile {
  name: string;
  file: string;
  accessToken?: string;
  accessTokenSecret?: string;
  zone?: string;
  apiRootUrl?: string;
}

const DIR_VARIABLES = ["SAKURA_PROFILE_DIR", "SAKURACLOUD_PROFILE_DIR", "USACLOUD_PROFILE_DIR"] as const;
const NAME_VARIABLES = ["SAKURA_PROFILE", "SAKURACLOUD_PROFILE", "USACLOUD_PROFILE"] as const;
export const DEFAULT_PROFILE = "default";

async function isDir(path: string, fs: FileSystem): Promise<boolean> {
  return fs.stat(path).then((s) => s.isDirectory(), () => false);
}

/**
 * profileDirs lists where profiles may live, best first. The *_PROFILE_DIR variables mean
 * the profile folder itself to newer clients and the folder holding .usacloud to older
 * ones, so both are tried.
 */
export async function profileDirs(env: NodeJS.ProcessEnv, home: string, fs: FileSystem = nodeFs): Promise<string[]> {
  const variable = DIR_VARIABLES.find((v) => env[v]);
  if (variable) return [env[variable]!, join(env[variable]!, ".usacloud")];
  const xdg = env.XDG_CONFIG_HOME ? join(env.XDG_CONFIG_HOME, "usacloud") : undefined;
  if (xdg && (await isDir(xdg, fs))) return [xdg];
  return [join(home, ".usacloud")];
}

/** profileName picks the profile: the one asked for, else the variables, else the "current" file, else "default". */
export async function profileName(asked: string | undefined, env: NodeJS.ProcessEnv, dirs: readonly string[], fs: FileSystem = nodeFs): Promise<{ name: string; explicit: boolean }> {
  if (asked) return { name: asked, explicit: true };
  const variable = NAME_VARIABLES.find((v) => env[v]);
  if (variable) return { name: env[variable]!, explicit: true };
  for (const dir of dirs) {
    const current = (await readTextIfExists(join(dir, "current"), fs))?.split("\n")[0]?.trim();
    if (current) return { name: current, explicit: false };
  }
  return { name: DEFAULT_PROFILE, explicit: false };
}

function stringField(doc: Record<string, unknown>, key: string, file: string): string | undefined {
  const v = doc[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new ConfigError([{ file, path: key, message: "must be a string" }], { hint: "fix the profile, or run: usacloud config edit" });
  return v;
}

/** readProfile loads a profile by name, or returns undefined when no folder has it. */
export async function readProfile(name: string, dirs: readonly string[], fs: FileSystem = nodeFs): Promise<UsacloudProfile | undefined> {
  if (/[/\\]/.test(name) || name === "." || name === "..") {
    throw new ConfigError([{ file: "usacloud profile", message: `"${name}" is not a profile name` }], { hint: "a profile name has no slashes" });
  }
  for (const dir of dirs) {
    const file = join(dir, name, "config.json");
    const text = await readTextIfExists(file, fs);
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ConfigError([{ file, message: `not valid JSON: ${(e as Error).message}` }], { hint: "fix the profile, or run: usacloud config edit" });
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
      throw new ConfigError([{ file, message: "must be a JSON object" }], { hint: "fix the profile, or run: usacloud config edit" });
    }
    const d = doc as Record<string, unknown>;
    return {
      name,
      file,
      accessToken: stringField(d, "AccessToken", file),
      accessTokenSecret: stringField(d, "AccessTokenSecret", file),
      zone: stringField(d, "Zone", file),
      apiRootUrl: stringField(d, "APIRootURL", file),
    };
  }
  return undefined;
}
