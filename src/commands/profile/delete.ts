import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { NotFoundError, UsageError } from "../../core/errors";
import { closest } from "../../core/text";
import { ownedFrom } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import { saveOwned } from "../../project";

export interface DeleteOptions extends MatchboxOverrides {
  ids: string[];
  /** Delete even profiles that groups still name. */
  force: boolean;
}

/** DeleteResult lists what was deleted. */
export interface DeleteResult {
  endpoint: string;
  profiles: string[];
  ignition: string[];
}

/**
 * run deletes profiles after a confirmation, with the Ignition configs pxectl wrote for them
 * that no other profile uses. A profile a group still names is refused without --force:
 * the machines of that group would get 404s.
 */
export async function run(o: DeleteOptions, ctx: Context): Promise<CommandResult<DeleteResult>> {
  const store = await ctx.writeState();
  const { api, endpoint } = await connectMatchbox(ctx, o);
  const [profiles, groups] = await Promise.all([api.profileList(), api.groupList()]);
  const byId = new Map(profiles.map((p) => [p.id, p]));
  for (const id of o.ids) {
    if (byId.has(id)) continue;
    const guess = closest(id, byId.keys());
    throw new NotFoundError(`profile "${id}" does not exist on matchbox at ${endpoint}${guess ? `; did you mean "${guess}"?` : ""}`, { hint: "pxectl profile list shows what matchbox holds" });
  }
  const doomed = new Set(o.ids);
  const users = groups.filter((g) => doomed.has(g.profile));
  if (users.length > 0 && !o.force) {
    const list = users.map((g) => `"${g.id}" (profile ${g.profile})`).join(", ");
    throw new UsageError(`group${users.length === 1 ? "" : "s"} ${list} still use${users.length === 1 ? "s" : ""} ${users.length === 1 ? "this profile" : "these profiles"}`, {
      hint: `delete or change ${users.length === 1 ? "it" : "them"} first (pxectl group delete ${users.map((g) => g.id).join(" ")}), or pass --force`,
    });
  }
  const owned = ownedFrom(store.state.apply, endpoint);
  const stillUsed = new Set(profiles.filter((p) => !doomed.has(p.id)).map((p) => p.ignition_id));
  const configs = [...new Set(o.ids.map((id) => byId.get(id)!.ignition_id))].filter((name) => name && owned.ignition.has(name) && !stillUsed.has(name));
  const what = `profile${o.ids.length === 1 ? "" : "s"} ${o.ids.join(", ")}${configs.length ? ` and Ignition config${configs.length === 1 ? "" : "s"} ${configs.join(", ")}` : ""}`;
  await ctx.prompt.confirm(`delete ${what} from matchbox at ${endpoint}?`, { flag: "--yes" });
  try {
    for (const id of o.ids) {
      await api.profileDelete(id);
      owned.profiles.delete(id);
    }
    for (const name of configs) {
      await api.ignitionDelete(name);
      owned.ignition.delete(name);
    }
  } finally {
    await saveOwned(store, endpoint, owned, new Date(ctx.clock.now()));
  }
  return {
    value: { endpoint, profiles: o.ids, ignition: configs },
    render: (v, s) => `${s.green("✓")} deleted ${what} from matchbox at ${v.endpoint}`,
  };
}
