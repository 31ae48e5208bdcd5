// pxectl assets prefetch, the command: init's assets step on its own, with the release,
// mirror and signing key open to flags.
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { mirrorFlatcar } from "../../environment/assets";
import { connectRecordedHost } from "../../environment/reach";
import type { FlatcarAssets, SigningKey } from "../../remote/installer";
import { dearmor, v4Fingerprint } from "../../remote/installer/openpgp";

export interface PrefetchOptions {
  channel?: FlatcarAssets["channel"];
  release?: string;
  mirror?: string;
  signingKey?: string;
}

export interface PrefetchOutcome {
  version: string;
  channel: string;
  folder: string;
  assetPath: string;
  changed: boolean;
  signedBy: string;
}

async function signingKey(file: string, ctx: Context): Promise<SigningKey> {
  const path = isAbsolute(file) ? file : resolve(ctx.cwd, file);
  const armored = await readFile(path, "utf8").catch(() => {
    throw new UsageError(`--signing-key ${file}: cannot read the file`, { hint: "give the path of an armored public key (gpg --armor --export KEYID > key.asc)" });
  });
  try {
    return { armored, fingerprint: v4Fingerprint(dearmor(armored)) };
  } catch (e) {
    throw new UsageError(`--signing-key ${file}: ${e instanceof Error ? e.message : String(e)}`, { hint: "give an armored OpenPGP public key (gpg --armor --export KEYID > key.asc)" });
  }
}

/** run mirrors the release on the recorded host and records it. */
export async function run(options: PrefetchOptions, ctx: Context): Promise<CommandResult<PrefetchOutcome>> {
  if (options.release !== undefined && !/^(current|\d+\.\d+\.\d+)$/.test(options.release)) {
    throw new UsageError(`--release ${options.release} is not a Flatcar release`, { hint: 'give a release such as 4593.2.5, or "current"' });
  }
  if (options.mirror !== undefined && !/^https?:\/\/[^\s/]+/.test(options.mirror)) {
    throw new UsageError(`--mirror ${options.mirror} is not an http(s) URL`, { hint: "such as https://stable.release.flatcar-linux.net" });
  }
  const key = options.signingKey ? await signingKey(options.signingKey, ctx) : undefined;
  const { config } = await ctx.project();
  const store = await ctx.writeState();
  const host = await connectRecordedHost(ctx);
  const root = (store.state.host?.installed_under as string | undefined) ?? "/";
  const assets: FlatcarAssets = {
    channel: options.channel ?? config.assets.flatcar.channel,
    version: options.release ?? config.assets.flatcar.version,
    mirror: options.mirror?.replace(/\/+$/, ""),
    key,
  };
  const { FLATCAR_SIGNING_KEY } = await import("../../remote/installer");
  const r = await ctx.out.step(`mirroring Flatcar ${assets.version} (${assets.channel}) on the host`, () => mirrorFlatcar(host, store, assets, root === "/" ? undefined : root));
  return {
    value: { version: r.version, channel: assets.channel, folder: r.folder, assetPath: r.assetPath, changed: r.changed, signedBy: (key ?? FLATCAR_SIGNING_KEY).fingerprint },
    render: (v, s) => `${s.green("✓")} Flatcar ${v.version} (${v.channel}) ${v.changed ? "mirrored into" : "was already in"} ${v.folder}, signatures checked against ${v.signedBy}; nodes fetch it from ${v.assetPath}`,
  };
}
