import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { type CloudFlags, openCloud } from "../../environment/cloud-client";
import type { MatchboxOverrides } from "../../matchbox/connect";
import { deleteCloudNode } from "../../nodes/cloud";
import { findNode, push } from "../../project";

export interface RemoveOptions extends MatchboxOverrides, CloudFlags {
  name: string;
  deleteServer?: boolean;
}

export interface RemoveResult {
  name: string;
  groupsDeleted: number;
  serverDeleted: string | null;
}

/** run forgets a node, deletes its matchbox groups and, when asked, its cloud server. */
export async function run(o: RemoveOptions, ctx: Context): Promise<CommandResult<RemoveResult>> {
  const node = await findNode(ctx, o.name);
  const cloudId = node.cloud_id as string | undefined;
  if (o.deleteServer && cloudId) await ctx.prompt.confirm(`delete node ${o.name}'s server ${cloudId} and its disk?`, {});
  const store = await ctx.writeState();
  await store.update((s) => void delete s.nodes[o.name]);
  const pushed = await push({ ...o, prune: false }, ctx);
  let serverDeleted: string | null = null;
  if (o.deleteServer && cloudId) {
    const api = await openCloud(ctx, (await ctx.project()).config, o);
    await ctx.out.step(`deleting server ${cloudId}`, () => deleteCloudNode(api, cloudId, { clock: ctx.clock, signal: ctx.signal }));
    serverDeleted = cloudId;
  }
  return {
    value: { name: o.name, groupsDeleted: pushed.summary.delete, serverDeleted },
    render: (v, s) => `${s.green("✓")} removed node ${v.name}: ${v.groupsDeleted} matchbox objects deleted${v.serverDeleted ? `, server ${v.serverDeleted} deleted` : ""}`,
  };
}
