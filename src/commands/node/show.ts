import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { installGroupId, installProfileOf, installedGroupId } from "../../nodes/objects";
import { renderFields } from "../../output/table";
import { findNode, leasesOrNothing } from "../../project";

export interface NodeDetail {
  name: string;
  mac: string;
  stage: string;
  since: string | null;
  ip: string | null;
  leaseExpires: string | null;
  cloudId: string | null;
  metadata: Record<string, unknown>;
  groups: { install: { id: string; profile: string }; installed: { id: string; profile: string } };
}

/** run shows one node: what it boots, where it is, and its lease. */
export async function run(o: { name: string }, ctx: Context): Promise<CommandResult<NodeDetail>> {
  const node = await findNode(ctx, o.name);
  const { config } = await ctx.project();
  const lease = (await leasesOrNothing(ctx)).get(node.mac);
  const value: NodeDetail = {
    name: o.name,
    mac: node.mac,
    stage: (node.stage as string | undefined) ?? "declared",
    since: (node.stage_at as string | undefined) ?? (node.created_at as string | undefined) ?? null,
    ip: lease?.ip ?? null,
    leaseExpires: lease ? new Date(lease.expires).toISOString() : null,
    cloudId: (node.cloud_id as string | undefined) ?? null,
    metadata: (node.metadata as Record<string, unknown> | undefined) ?? {},
    groups: {
      install: { id: installGroupId(o.name), profile: installProfileOf(node, config.nodes) },
      installed: { id: installedGroupId(o.name), profile: (node.installed_profile as string | undefined) ?? config.nodes.installed_profile },
    },
  };
  return {
    value,
    render: (v, s) =>
      renderFields(
        [
          ["node", s.bold(v.name)],
          ["mac", v.mac],
          ["stage", `${v.stage}${v.since ? ` since ${v.since}` : ""}`],
          ["address", v.ip ? `${v.ip} (lease until ${v.leaseExpires})` : "-"],
          ["cloud server", v.cloudId ?? "-"],
          ["network boot", `group ${v.groups.install.id} -> profile ${v.groups.install.profile}`],
          ["installed", `group ${v.groups.installed.id} (os=installed) -> profile ${v.groups.installed.profile}`],
          ["metadata", Object.keys(v.metadata).length ? JSON.stringify(v.metadata) : "-"],
        ],
        s.dim,
      ),
  };
}
