// Flatcar in matchbox's assets on the host: init's assets step and pxectl assets prefetch
// choose a release the same way (flags over assets.flatcar in pxectl.yaml), mirror it the
// same way, and record which one is there (status checks it).
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { ConfigError, type PxeError, UsageError } from "../core/errors";
import type { Project } from "../config/project";
import type { StateStore } from "../config/state";
import type { RemoteHost } from "../remote";
import type { FlatcarAssets, PrefetchResult, SigningKey } from "../remote/installer";
import { dearmor, v4Fingerprint } from "../remote/installer/openpgp";

/** FlatcarFlags override assets.flatcar for one run (pxectl assets prefetch). */
export interface FlatcarFlags {
  channel?: FlatcarAssets["channel"];
  release?: string;
  mirror?: string;
  signingKey?: string;
}

const KEY_HINT = "give an armored OpenPGP public key file (gpg --armor --export KEYID > key.asc)";

/** readSigningKey loads an armored public key and pins it by the fingerprint read from it. */
async function readSigningKey(path: string, problem: (message: string) => PxeError): Promise<SigningKey> {
  const armored = await readFile(path, "utf8").catch(() => undefined);
  if (armored === undefined) throw problem(`cannot read ${path}`);
  try {
    return { armored, fingerprint: v4Fingerprint(dearmor(armored)) };
  } catch (e) {
    throw problem(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** flatcarAssets is the release to mirror: flags (relative to cwd) over pxectl.yaml (relative to it). */
export async function flatcarAssets(project: Project, display: string, flags: FlatcarFlags = {}, cwd = project.dir): Promise<FlatcarAssets> {
  const configured = project.config.assets.flatcar;
  if (flags.release !== undefined && !/^(current|\d+\.\d+\.\d+)$/.test(flags.release)) {
    throw new UsageError(`--release ${flags.release} is not a Flatcar release`, { hint: 'give a release such as 4593.2.5, or "current"' });
  }
  if (flags.mirror !== undefined && !/^https?:\/\/[^\s/]+/.test(flags.mirror)) {
    throw new UsageError(`--mirror ${flags.mirror} is not an http(s) URL`, { hint: "such as https://stable.release.flatcar-linux.net" });
  }
  const at = (base: string, file: string) => (isAbsolute(file) ? file : resolve(base, file));
  const key = flags.signingKey
    ? await readSigningKey(at(cwd, flags.signingKey), (m) => new UsageError(`--signing-key: ${m}`, { hint: KEY_HINT }))
    : configured.signing_key
      ? await readSigningKey(at(project.dir, configured.signing_key), (m) => new ConfigError([{ file: display, path: "assets.flatcar.signing_key", message: m }], { hint: KEY_HINT }))
      : undefined;
  return {
    channel: flags.channel ?? configured.channel,
    version: flags.release ?? configured.version,
    mirror: (flags.mirror ?? configured.mirror)?.replace(/\/+$/, ""),
    key,
  };
}

/** mirrorFlatcar mirrors a release under root (the one init installed under) and records it in state. */
export async function mirrorFlatcar(host: RemoteHost, store: StateStore, assets: FlatcarAssets, root: string | undefined): Promise<PrefetchResult> {
  const { prefetchFlatcar } = await import("../remote/installer");
  const r = await prefetchFlatcar(host, assets, { root });
  await store.update((s) => {
    s.host = { ...s.host, flatcar_version: r.version, flatcar_assets: r.assetPath };
  });
  return r;
}
