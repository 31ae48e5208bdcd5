// pxectl destroy, the command: confirm, tear the cloud resources down (orphans included),
// then forget the host. Certificates and the SSH key stay unless --purge.
import { rm } from "node:fs/promises";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { statePaths } from "../../config/state";
import { type CloudFlags, openCloud } from "../../environment/cloud-client";
import { clearJournal, runJournal } from "../../environment/journal";
import { inventory, teardownSteps } from "../../environment/teardown";
import type { ManagedResource } from "../../sakuracloud";

export interface DestroyOptions extends CloudFlags {
  purge?: boolean;
}

export interface DestroyResult {
  env: string;
  deleted: ManagedResource[];
  purged: boolean;
  note?: string;
}

/** run deletes what the environment made, after a confirmation (--yes without a terminal). */
export async function run(options: DestroyOptions, ctx: Context): Promise<CommandResult<DestroyResult>> {
  const { config } = await ctx.project();
  const store = await ctx.writeState();
  let deleted: ManagedResource[] = [];
  let note: string | undefined;
  if (config.provider === "sakuracloud") {
    const api = await openCloud(ctx, config, options);
    const doomed = await inventory({ api, store });
    if (doomed.length > 0) {
      const summary = doomed.map((r) => `${r.kind} ${r.name}`).join(", ");
      await ctx.prompt.confirm(`delete ${doomed.length} resources of environment ${config.name} (${summary})?`, {});
    }
    await runJournal("destroy", teardownSteps(), { api, store, clock: ctx.clock, signal: ctx.signal }, { store, out: ctx.out, clock: ctx.clock, signal: ctx.signal });
    deleted = doomed;
  } else if (config.provider === "lab") {
    const { stopLab } = await import("../../lab/lab");
    await stopLab(store);
    note = "the lab is down: its VMs, programs and network namespace are gone";
  } else {
    await ctx.prompt.confirm(`forget the host of environment ${config.name}?`, {});
    note = "the host is yours: pxectl forgot it, but did not remove matchbox and dnsmasq from it";
  }
  await clearJournal(store, "init");
  await clearJournal(store, "destroy");
  await store.update((s) => {
    s.resources = {};
    s.host = null;
    s.matchbox = null;
    for (const node of Object.values(s.nodes)) delete node.cloud_id;
    s.node_creation = null;
  });
  if (options.purge) {
    const paths = statePaths(ctx.stateDir);
    await rm(paths.tls, { recursive: true, force: true });
    await rm(paths.ssh, { recursive: true, force: true });
  }
  return {
    value: { env: config.name, deleted, purged: Boolean(options.purge), note },
    render: (v, s) =>
      [
        `${s.green("✓")} environment ${s.bold(v.env)} destroyed: ${v.deleted.length === 0 ? "nothing was left in the cloud" : v.deleted.map((r) => `${r.kind} ${r.name}`).join(", ")}`,
        ...(v.note ? [v.note] : []),
        v.purged ? "certificates and SSH key deleted" : "certificates and SSH key kept in .pxectl/ (--purge deletes them)",
      ].join("\n"),
  };
}
