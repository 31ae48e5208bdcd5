// One way for every command to reach SakuraCloud: credentials resolved in the documented
// order, the project's rate limit, the run's clock and signal, secrets redacted, the API
// log in the run log, and the client closed when the command ends.
import type { Clock } from "../core/clock";
import type { FileSystem } from "../config/files";
import type { Redactor } from "../output/redact";
import type { ProjectConfig } from "../config/project";
import type { HttpSakuraApi } from "../sakuracloud";

/** CloudFlags are the credential flags of commands that talk to SakuraCloud. */
export interface CloudFlags {
  zone?: string;
  profile?: string;
  accessToken?: string;
  accessTokenSecret?: string;
}

/** CloudScope is what openCloud uses of a command's run. */
export interface CloudScope {
  readonly env: NodeJS.ProcessEnv;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly out: { verbose(line: string): void; readonly redactor: Redactor };
  defer(cleanup: () => unknown): void;
}

/** openCloud builds a client for the project's environment; it closes with the command. */
export async function openCloud(ctx: CloudScope, config: ProjectConfig, flags: CloudFlags = {}): Promise<HttpSakuraApi> {
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
