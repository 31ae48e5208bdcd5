import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { ownedFrom } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import { describeSelector, sortGroups } from "../../matchbox/select";
import type { Group } from "../../matchbox/types";
import { renderTable } from "../../output/table";

/** GroupRow is a group on matchbox and whether pxectl wrote it. */
export type GroupRow = Group & { pxectl: boolean };

/** run lists the groups matchbox holds, in the order matchbox tries them (most specific first). */
export async function run(o: MatchboxOverrides, ctx: Context): Promise<CommandResult<GroupRow[]>> {
  const { api, endpoint } = await connectMatchbox(ctx, o);
  const [groups, state] = await Promise.all([api.groupList(), ctx.readState()]);
  const owned = ownedFrom(state.state.apply, endpoint);
  const rows = sortGroups(groups).map((g) => ({ ...g, pxectl: owned.groups.has(g.id) }));
  return {
    value: rows,
    render: (v, s) =>
      renderTable(
        v,
        [
          { header: "ID", value: (r) => r.id },
          { header: "NAME", value: (r) => r.name || "-" },
          { header: "PROFILE", value: (r) => r.profile },
          { header: "SELECTOR", value: (r) => describeSelector(r.selector) },
          { header: "BY PXECTL", value: (r) => (r.pxectl ? "yes" : "no") },
        ],
        s.bold,
        `no groups on matchbox at ${endpoint}`,
      ),
  };
}
