// Which API key, zone and API root a run uses, in the order users expect: flags, then
// SAKURA_* variables, then the legacy SAKURACLOUD_* ones, then a usacloud profile.
// The token and its secret always come from the same place.
import { homedir } from "node:os";
import { UsageError } from "../core/errors";
import type { FileSystem } from "../config/files";
import type { Credentials } from "./http";
import { type UsacloudProfile, profileDirs, profileName, readProfile } from "./usacloud-profile";
import { DEFAULT_API_ROOT_URL, GLOBAL_ZONE, type Zone, normalizeRootUrl, parseZone } from "./zones";

/** CredentialFlags are the command-line values, highest priority. */
export interface CredentialFlags {
  accessToken?: string;
  accessTokenSecret?: string;
  zone?: string;
  profile?: string;
}

/** ProjectCloudSettings are pxectl.yaml's sakuracloud.zone and sakuracloud.profile. */
export interface ProjectCloudSettings {
  zone?: string;
  profile?: string;
}

/** ResolvedCredentials is everything a client needs to reach the API, and where each part came from. */
export interface ResolvedCredentials {
  credentials: Credentials;
  /** e.g. "--access-token", "SAKURA_ACCESS_TOKEN" or 'usacloud profile "default"'; never the value. */
  credentialSource: string;
  zone: Zone;
  zoneSource: string;
  rootUrl: string;
}

export interface ResolveOptions {
  flags?: CredentialFlags;
  project?: ProjectCloudSettings;
  env: NodeJS.ProcessEnv;
  home?: string;
  fs?: FileSystem;
}

interface Pair {
  token?: string;
  secret?: string;
  tokenName: string;
  secretName: string;
  source: string;
}

const empty = (v: string | undefined) => v === undefined || v === "";

function firstPair(pairs: readonly Pair[]): Pair | undefined {
  const pair = pairs.find((p) => !empty(p.token) || !empty(p.secret));
  if (pair && (empty(pair.token) || empty(pair.secret))) {
    const [set, missing] = empty(pair.token) ? [pair.secretName, pair.tokenName] : [pair.tokenName, pair.secretName];
    throw new UsageError(`${set} is set but ${missing} is not`, { hint: `set both ${pair.tokenName} and ${pair.secretName}, or neither` });
  }
  return pair;
}

/** resolveCredentials finds the API key, zone and root URL; it reads a usacloud profile only when needed. */
export async function resolveCredentials(o: ResolveOptions): Promise<ResolvedCredentials> {
  const { env, flags = {}, project = {} } = o;
  const dirs = await profileDirs(env, o.home ?? homedir(), o.fs);
  const wanted = await profileName(flags.profile ?? project.profile, env, dirs, o.fs);
  const profile: UsacloudProfile | undefined = await readProfile(wanted.name, dirs, o.fs);
  if (!profile && wanted.explicit) {
    throw new UsageError(`usacloud profile "${wanted.name}" does not exist (looked in ${dirs.join(", ")})`, {
      hint: `create it with: usacloud config create ${wanted.name}, or choose another profile`,
    });
  }
  const profileSource = profile ? `usacloud profile "${profile.name}"` : "";
  const pair = firstPair([
    { token: flags.accessToken, secret: flags.accessTokenSecret, tokenName: "--access-token", secretName: "--access-token-secret", source: "--access-token" },
    { token: env.SAKURA_ACCESS_TOKEN, secret: env.SAKURA_ACCESS_TOKEN_SECRET, tokenName: "SAKURA_ACCESS_TOKEN", secretName: "SAKURA_ACCESS_TOKEN_SECRET", source: "SAKURA_ACCESS_TOKEN" },
    { token: env.SAKURACLOUD_ACCESS_TOKEN, secret: env.SAKURACLOUD_ACCESS_TOKEN_SECRET, tokenName: "SAKURACLOUD_ACCESS_TOKEN", secretName: "SAKURACLOUD_ACCESS_TOKEN_SECRET", source: "SAKURACLOUD_ACCESS_TOKEN" },
    { token: profile?.accessToken, secret: profile?.accessTokenSecret, tokenName: `AccessToken in ${profile?.file}`, secretName: `AccessTokenSecret in ${profile?.file}`, source: profileSource },
  ]);
  if (!pair) {
    throw new UsageError("no SakuraCloud API key found", {
      hint: "export SAKURA_ACCESS_TOKEN and SAKURA_ACCESS_TOKEN_SECRET, or create a usacloud profile (usacloud config)",
    });
  }
  const zoneChoices: Array<[string | undefined, string]> = [
    [flags.zone, "--zone"],
    [env.SAKURA_ZONE, "SAKURA_ZONE"],
    [env.SAKURACLOUD_ZONE, "SAKURACLOUD_ZONE"],
    [project.zone, "sakuracloud.zone in pxectl.yaml"],
    [profile?.zone, `Zone in ${profile?.file}`],
  ];
  const [zoneValue, zoneSource] = zoneChoices.find(([v]) => !empty(v)) ?? [GLOBAL_ZONE, "the default zone"];
  const rootChoices: Array<[string | undefined, string]> = [
    [env.SAKURA_API_ROOT_URL, "SAKURA_API_ROOT_URL"],
    [env.SAKURACLOUD_API_ROOT_URL, "SAKURACLOUD_API_ROOT_URL"],
    [profile?.apiRootUrl, `APIRootURL in ${profile?.file}`],
  ];
  const [rootValue, rootSource] = rootChoices.find(([v]) => !empty(v)) ?? [DEFAULT_API_ROOT_URL, "default"];
  return {
    credentials: { accessToken: pair.token!, accessTokenSecret: pair.secret! },
    credentialSource: pair.source,
    zone: parseZone(zoneValue!, zoneSource),
    zoneSource,
    rootUrl: normalizeRootUrl(rootValue!, rootSource),
  };
}
