import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import type { Lease } from "../../nodes/leases";
import { leasesOrNothing } from "../../project";
import { renderTable } from "../../output/table";

export interface ListOptions {
  leases: boolean;
}

export interface NodeRow {
  name: string;
  mac: string;
  ip: string | null;
  cloudId: string | null;
  stage: string;
  since: string | null;
  profile: string | null;
}

function ago(iso: string | null, now: number): string {
  if (!iso) return "-";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : s < 172800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86400)}d`;
}

/** run lists the registered nodes with what the host's DHCP server knows of them. */
export async function run(o: ListOptions, ctx: Context): Promise<CommandResult<NodeRow[]>> {
  const { nodes } = (await ctx.readState()).state;
  const leases = o.leases && Object.keys(nodes).length > 0 ? await leasesOrNothing(ctx) : new Map<string, Lease>();
  const rows = Object.entries(nodes)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([name, n]) => ({
      name,
      mac: n.mac,
      ip: leases.get(n.mac)?.ip ?? (n.ip as string | undefined) ?? null,
      cloudId: (n.cloud_id as string | undefined) ?? null,
      stage: (n.stage as string | undefined) ?? "declared",
      since: (n.stage_at as string | undefined) ?? (n.created_at as string | undefined) ?? null,
      profile: (n.profile as string | undefined) ?? null,
    }));
  const now = ctx.clock.now();
  return {
    value: rows,
    render: (v, s) =>
      renderTable(
        v,
        [
          { header: "NODE", value: (r) => r.name },
          { header: "MAC", value: (r) => r.mac },
          { header: "IP", value: (r) => r.ip ?? "-" },
          { header: "CLOUD ID", value: (r) => r.cloudId ?? "-" },
          { header: "STAGE", value: (r) => (r.stage === "installed" ? s.green(r.stage) : r.stage) },
          { header: "FOR", value: (r) => ago(r.since, now), align: "right" },
        ],
        s.bold,
        "no nodes yet: pxectl node add --mac MAC",
      ),
  };
}
