// One way for every command to reach SakuraCloud: credentials resolved in the documented
// order, the project's rate limit, the run's clock and signal, secrets redacted, the API
// log in the run log, and the client closed when the command ends.
import type { Context } from "../cli/context";
import type { ProjectConfig } from "../config/project";
import type { HttpSakuraApi } from "../sakuracloud";

/** CloudFlags are the credential flags of commands that talk to SakuraCloud. */
export interface CloudFlags {
  zone?: string;
  profile?: string;
  accessToken?: string;
  accessTokenSecret?: string;
}

/** openCloud builds a client for the project's environment; it closes with the command. */
export async function openCloud(ctx: Context, config: ProjectConfig, flags: CloudFlags = {}): Promise<HttpSakuraApi> {
  const { resolveCredentials, createSakuraApi } = await import("../sakuracloud");
  const creds = await resolveCredentials({
    flags: { accessToken: flags.accessToken, accessTokenSecret: flags.accessTokenSecret, zone: flags.zone, profile: flags.profile },
    project: { zone: config.sakuracloud.zone, profile: config.sakuracloud.profile },
    env: ctx.env,
    fs: ctx.fs,
  });
  const api = createSakuraApi({
    zone: creds.zone,
    env: config.name,
    credentials: creds.credentials,
    credentialSource: creds.credentialSource,
    rootUrl: creds.rootUrl,
    rateLimit: config.sakuracloud.rate_limit,
    clock: ctx.clock,
    signal: ctx.signal,
    log: (line) => ctx.out.verbose(line),
    secrets: ctx.out.redactor,
  });
  ctx.defer(() => api.close());
  return api;
}
