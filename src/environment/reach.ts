// Reaching the host init built, for the commands that follow it (watch, node list, node
// logs): the address, user and pinned host key from state, the operator's key from state
// or pxectl.yaml. The connection closes when the command ends.
import { join } from "node:path";
import type { Clock } from "../core/clock";
import type { Project } from "../config/project";
import type { Redactor } from "../output/redact";
import { StateError } from "../core/errors";
import { type State, statePaths } from "../config/state";
import { type RemoteHost, connectHost, sshCredentials } from "../remote";

/** HostScope is what connectRecordedHost uses of a command's run. */
export interface HostScope {
  readonly env: NodeJS.ProcessEnv;
  readonly stateDir: string;
  readonly clock: Clock;
  readonly out: { logOnly(line: string): void; readonly redactor: Redactor };
  project(): Promise<Project>;
  readState(): Promise<{ state: State }>;
  defer(cleanup: () => unknown): void;
}

/** connectRecordedHost opens an SSH connection to the environment's host, key pinned; connectAttempts 1 fails fast (status). */
export async function connectRecordedHost(ctx: HostScope, o: { connectAttempts?: number } = {}): Promise<RemoteHost> {
  const state = (await ctx.readState()).state;
  const host = state.host;
  const pinned = (host?.ssh_host_key as { fingerprint?: string } | undefined)?.fingerprint;
  const project = await ctx.project().catch(() => undefined);
  if (!host?.address || !pinned) {
    if (project?.config.provider === "lab") throw new StateError("the lab is not up", { hint: "run pxectl lab up first (as root)" });
    throw new StateError("there is no host yet in this project", { hint: "run pxectl init first" });
  }
  const configured = project?.config.host?.ssh_key;
  const keyFile = configured ? (configured.startsWith("/") ? configured : join(project.dir, configured)) : join(statePaths(ctx.stateDir).ssh, "id_ed25519");
  const remote = await connectHost({
    host: host.address as string,
    port: Number(host.ssh_port ?? 22),
    user: (host.ssh_user as string | undefined) ?? "root",
    credentials: sshCredentials({ keyFile, env: ctx.env }, ctx.out.redactor),
    hostKey: { pinned },
    log: (line) => ctx.out.logOnly(line),
    clock: ctx.clock,
    connectAttempts: o.connectAttempts,
  });
  ctx.defer(() => remote.close());
  return remote;
}
