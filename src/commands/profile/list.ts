import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { ownedFrom } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import type { Profile } from "../../matchbox/types";
import { renderTable } from "../../output/table";

/** ProfileRow is a profile on matchbox and whether pxectl wrote it. */
export type ProfileRow = Profile & { pxectl: boolean };

/** run lists the profiles matchbox holds. */
export async function run(o: MatchboxOverrides, ctx: Context): Promise<CommandResult<ProfileRow[]>> {
  const { api, endpoint } = await connectMatchbox(ctx, o);
  const [profiles, state] = await Promise.all([api.profileList(), ctx.readState()]);
  const owned = ownedFrom(state.state.apply, endpoint);
  const rows = profiles.map((p) => ({ ...p, pxectl: owned.profiles.has(p.id) }));
  return {
    value: rows,
    render: (v, s) =>
      renderTable(
        v,
        [
          { header: "ID", value: (r) => r.id },
          { header: "NAME", value: (r) => r.name || "-" },
          { header: "KERNEL", value: (r) => r.boot.kernel || "-" },
          { header: "IGNITION", value: (r) => r.ignition_id || "-" },
          { header: "BY PXECTL", value: (r) => (r.pxectl ? "yes" : "no") },
        ],
        s.bold,
        `no profiles on matchbox at ${endpoint}`,
      ),
  };
}
