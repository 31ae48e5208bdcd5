// Reaching the host init built, for the commands that follow it (watch, node list, node
// logs): the address, user and pinned host key from state, the operator's key from state
// or pxectl.yaml. The connection closes when the command ends.
import { join } from "node:path";
import type { Context } from "../cli/context";
import { StateError } from "../core/errors";
import { statePaths } from "../config/state";
import { type RemoteHost, connectHost, sshCredentials } from "../remote";

/** connectRecordedHost opens an SSH connection to the environment's host, key pinned; connectAttempts 1 fails fast (status). */
export async function connectRecordedHost(ctx: Context, o: { connectAttempts?: number } = {}): Promise<RemoteHost> {
  const state = (await ctx.readState()).state;
  const host = state.host;
  const pinned = (host?.ssh_host_key as { fingerprint?: string } | undefined)?.fingerprint;
  if (!host?.address || !pinned) {
    throw new StateError("there is no host yet in this project", { hint: "run pxectl init first" });
  }
  const project = await ctx.project().catch(() => undefined);
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
