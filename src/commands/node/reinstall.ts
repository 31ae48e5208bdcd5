import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { type CloudFlags, openCloud } from "../../environment/cloud-client";
import type { MatchboxOverrides } from "../../matchbox/connect";
import { powerCycle } from "../../nodes/cloud";
import { installProfileOf } from "../../nodes/objects";
import { findNode, push } from "../../project";

export interface ReinstallOptions extends MatchboxOverrides, CloudFlags {
  name: string;
}

export interface ReinstallResult {
  name: string;
  profile: string;
  powerCycled: boolean;
}

/** run points the node's install group back at its install profile and, for cloud nodes, power-cycles it. */
export async function run(o: ReinstallOptions, ctx: Context): Promise<CommandResult<ReinstallResult>> {
  await findNode(ctx, o.name);
  const { config } = await ctx.project();
  const store = await ctx.writeState();
  await store.update((s) => {
    const node = s.nodes[o.name]!;
    node.stage = "declared";
    node.stage_at = new Date(ctx.clock.now()).toISOString();
  });
  await push({ ...o, prune: false }, ctx);
  const node = store.state.nodes[o.name]!;
  const cloudId = node.cloud_id as string | undefined;
  if (cloudId) {
    const api = await openCloud(ctx, config, o);
    await ctx.out.step(`power-cycling server ${cloudId}`, (h) => powerCycle(api, cloudId, { clock: ctx.clock, signal: ctx.signal, onProgress: (p) => h.update(p.seen) }));
  }
  const profile = installProfileOf(node, config.nodes);
  return {
    value: { name: o.name, profile, powerCycled: Boolean(cloudId) },
    render: (v, s) =>
      `${s.green("✓")} ${v.name} installs again with profile ${v.profile} at its next network boot${v.powerCycled ? " (power-cycled now)" : "; restart it to begin"}`,
  };
}
