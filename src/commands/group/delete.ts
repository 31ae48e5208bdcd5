import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { NotFoundError } from "../../core/errors";
import { closest } from "../../core/text";
import { ownedFrom } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import { saveOwned } from "../../project";

export interface DeleteOptions extends MatchboxOverrides {
  ids: string[];
}

/** DeleteResult lists what was deleted. */
export interface DeleteResult {
  endpoint: string;
  groups: string[];
}

/** run deletes groups after a confirmation; their machines then fall to the next matching group. */
export async function run(o: DeleteOptions, ctx: Context): Promise<CommandResult<DeleteResult>> {
  const store = await ctx.writeState();
  const { api, endpoint } = await connectMatchbox(ctx, o);
  const known = new Set((await api.groupList()).map((g) => g.id));
  for (const id of o.ids) {
    if (known.has(id)) continue;
    const guess = closest(id, known);
    throw new NotFoundError(`group "${id}" does not exist on matchbox at ${endpoint}${guess ? `; did you mean "${guess}"?` : ""}`, { hint: "pxectl group list shows what matchbox holds" });
  }
  const what = `group${o.ids.length === 1 ? "" : "s"} ${o.ids.join(", ")}`;
  await ctx.prompt.confirm(`delete ${what} from matchbox at ${endpoint}?`, { flag: "--yes" });
  const owned = ownedFrom(store.state.apply, endpoint);
  try {
    for (const id of o.ids) {
      await api.groupDelete(id);
      owned.groups.delete(id);
    }
  } finally {
    await saveOwned(store, endpoint, owned, new Date(ctx.clock.now()));
  }
  return { value: { endpoint, groups: o.ids }, render: (v, s) => `${s.green("✓")} deleted ${what} from matchbox at ${v.endpoint}` };
}
