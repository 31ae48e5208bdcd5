import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { statePaths } from "../../config/state";
import { issueClient, issueServer, readPair, requireCa, tlsPaths, writePair } from "../../pki";

export interface RotateOptions {
  server?: boolean;
  client?: boolean;
}

export interface RotateResult {
  rotated: Array<"server" | "client">;
  serverSans: string[];
  /** The host keeps serving the old server certificate until it is deployed again. */
  serverDeployPending: boolean;
}

const DEFAULT_VALIDITY_DAYS = 825;

/** run re-issues the chosen certificates under the project's CA. */
export async function run(options: RotateOptions, ctx: Context): Promise<CommandResult<RotateResult>> {
  if (!options.server && !options.client) throw new UsageError("nothing to rotate", { hint: "pass --server, --client or both" });
  const state = await ctx.writeState();
  const paths = tlsPaths(statePaths(ctx.stateDir).tls);
  const ca = await requireCa(paths, ctx.display, ctx.fs);
  const project = await ctx.project().catch(() => undefined); // rotation works without pxectl.yaml too
  const env = project?.config.name ?? state.state.env ?? "pxectl";
  const validityDays = project?.config.tls.validity_days ?? DEFAULT_VALIDITY_DAYS;
  const now = new Date(ctx.clock.now());
  const rotated: RotateResult["rotated"] = [];
  let serverSans: string[] = [];

  if (options.server) {
    const old = await readPair(paths, "server", ctx.display, ctx.fs);
    const previous = (old?.cert.subjectAltName ?? "").split(", ").filter(Boolean).map((s) => s.replace(/^(IP Address|DNS):/, ""));
    serverSans = [...new Set([...previous, ...(project?.config.tls.extra_sans ?? [])])];
    if (serverSans.length === 0) {
      throw new UsageError("no addresses for the server certificate", { hint: "add them to tls.extra_sans in pxectl.yaml, or run pxectl init" });
    }
    await writePair(paths, "server", issueServer(ca, { commonName: serverSans[0]!, sans: serverSans, validityDays, now }), ctx.fs);
    rotated.push("server");
  }
  if (options.client) {
    await writePair(paths, "client", issueClient(ca, { commonName: `pxectl client (${env})`, validityDays, now }), ctx.fs);
    rotated.push("client");
  }
  await state.update((s) => {
    const tls = (s.tls ??= {});
    for (const role of rotated) tls[`${role}_rotated_at`] = now.toISOString();
    if (options.server) tls.server_deploy_pending = true;
  });
  return {
    value: { rotated, serverSans, serverDeployPending: Boolean(options.server) },
    render: (v, s) =>
      [
        ...v.rotated.map((r) => `${s.green("✓")} re-issued the ${r} certificate${r === "server" ? ` for ${v.serverSans.join(", ")}` : ""}`),
        ...(v.serverDeployPending ? [s.yellow("the matchbox host keeps its old server certificate until it is deployed again (pxectl init re-deploys it)")] : []),
      ].join("\n"),
  };
}
