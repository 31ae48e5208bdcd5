import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { ownedFrom } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import { renderFields } from "../../output/table";
import { describeSelector } from "../../matchbox/select";
import type { Group } from "../../matchbox/types";

type GroupRow = Group & { pxectl: boolean };

export interface GetOptions extends MatchboxOverrides {
  id: string;
}

/** run shows one group: its profile, selector and metadata. */
export async function run(o: GetOptions, ctx: Context): Promise<CommandResult<GroupRow>> {
  const { api, endpoint } = await connectMatchbox(ctx, o);
  const [group, state] = await Promise.all([api.groupGet(o.id), ctx.readState()]);
  return {
    value: { ...group, pxectl: ownedFrom(state.state.apply, endpoint).groups.has(group.id) },
    render: (v, s) =>
      renderFields(
        [
          ["id", v.id],
          ["name", v.name || "-"],
          ["profile", v.profile],
          ["selector", describeSelector(v.selector)],
          ["metadata", Object.keys(v.metadata).length ? JSON.stringify(v.metadata) : "-"],
          ["by pxectl", v.pxectl ? "yes (pxectl profile apply --prune may delete it)" : "no"],
        ],
        s.dim,
      ),
  };
}
