// pxectl assets prefetch, the command: init's assets step on its own, with the release,
// mirror and signing key open to flags.
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { type FlatcarFlags, flatcarAssets, mirrorFlatcar } from "../../environment/assets";
import { connectRecordedHost } from "../../environment/reach";

export type PrefetchOptions = FlatcarFlags;

export interface PrefetchOutcome {
  version: string;
  channel: string;
  folder: string;
  assetPath: string;
  changed: boolean;
  signedBy: string;
}

/** run mirrors the release on the recorded host and records it. */
export async function run(options: PrefetchOptions, ctx: Context): Promise<CommandResult<PrefetchOutcome>> {
  const project = await ctx.project();
  const assets = await flatcarAssets(project, ctx.display(project.path), options, ctx.cwd);
  const store = await ctx.writeState();
  const host = await connectRecordedHost(ctx);
  const root = (store.state.host?.installed_under as string | undefined) ?? "/";
  const { FLATCAR_SIGNING_KEY } = await import("../../remote/installer");
  const r = await ctx.out.step(`mirroring Flatcar ${assets.version} (${assets.channel}) on the host`, () => mirrorFlatcar(host, store, assets, root === "/" ? undefined : root));
  return {
    value: { version: r.version, channel: assets.channel, folder: r.folder, assetPath: r.assetPath, changed: r.changed, signedBy: (assets.key ?? FLATCAR_SIGNING_KEY).fingerprint },
    render: (v, s) => `${s.green("✓")} Flatcar ${v.version} (${v.channel}) ${v.changed ? "mirrored into" : "was already in"} ${v.folder}, signatures checked against ${v.signedBy}; nodes fetch it from ${v.assetPath}`,
  };
}
