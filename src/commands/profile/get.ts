import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { NotFoundError } from "../../core/errors";
import { ownedFrom } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import { renderFields } from "../../output/table";
import type { Profile } from "../../matchbox/types";

type ProfileRow = Profile & { pxectl: boolean };

export interface GetOptions extends MatchboxOverrides {
  id: string;
  /** Print the profile's Ignition config as stored instead. */
  ignition: boolean;
}

/** run shows one profile, or with --ignition the Ignition config it names, byte for byte. */
export async function run(o: GetOptions, ctx: Context): Promise<CommandResult> {
  const { api, endpoint } = await connectMatchbox(ctx, o);
  const profile = await api.profileGet(o.id);
  if (o.ignition) {
    if (!profile.ignition_id) throw new NotFoundError(`profile "${o.id}" has no Ignition config`, { hint: "its boot alone is served; pxectl profile get shows it" });
    const text = Buffer.from(await api.ignitionGet(profile.ignition_id)).toString("utf8");
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON (a Butane template written by another tool): shown as text
    }
    return { value, render: () => text };
  }
  const state = await ctx.readState();
  const shown: CommandResult<ProfileRow> = {
    value: { ...profile, pxectl: ownedFrom(state.state.apply, endpoint).profiles.has(profile.id) },
    render: (v, s) =>
      renderFields(
        [
          ["id", v.id],
          ["name", v.name || "-"],
          ["kernel", v.boot.kernel || "-"],
          ["initrd", v.boot.initrd.join("\n        ") || "-"],
          ["args", v.boot.args.join(" ") || "-"],
          ["ignition", v.ignition_id || "-"],
          ["generic", v.generic_id || "-"],
          ["by pxectl", v.pxectl ? "yes (pxectl profile apply --prune may delete it)" : "no"],
        ],
        s.dim,
      ),
  };
  return shown;
}
