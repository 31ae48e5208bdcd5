// Flatcar's PXE kernel, initrd and install image mirrored into matchbox's assets, so
// nodes boot over plain HTTP from the host (Debian's iPXE has no HTTPS) and install the
// version they booted. The host downloads and checks every file against Flatcar's image
// signing key before the version's folder appears; a folder that is there was checked.
import { posix } from "node:path";
import { RemoteError } from "../../core/errors";
import type { RemoteHost } from "../host";
import { quote, quoteAll } from "../shell";
import { download, downloadAll, mustDownload, removeFolder, tempFolder } from "./download";
import { FLATCAR_SIGNING_KEY } from "./keys";
import { HOST_PATHS } from "./paths";
import { type Signed, type SigningKey, installKeyring, verifySignatures } from "./signatures";
import type { StepResult } from "./step";
import { Target } from "./target";

/** FlatcarAssets say which release to mirror (assets.flatcar in pxectl.yaml). */
export interface FlatcarAssets {
  channel: "stable" | "beta" | "alpha" | "lts";
  /** "current" or a release such as 4593.2.5. */
  version: string;
  /** Default amd64-usr. */
  board?: "amd64-usr" | "arm64-usr";
  /** Default https://<channel>.release.flatcar-linux.net; tests use a local server. */
  mirror?: string;
  /** Default Flatcar's image signing key. */
  key?: SigningKey;
}

/** FlatcarFile is a release file and the signature that vouches for it. */
interface FlatcarFile {
  name: string;
  /** Some releases publish the PXE kernel's signature only under the image kernel's name. */
  signatureFallback?: string;
}

/** FLATCAR_FILES are what a PXE boot and flatcar-install need (matchbox's get-flatcar set). */
export const FLATCAR_FILES: readonly FlatcarFile[] = [
  { name: "flatcar_production_pxe.vmlinuz", signatureFallback: "flatcar_production_image.vmlinuz.sig" },
  { name: "flatcar_production_pxe_image.cpio.gz" },
  { name: "flatcar_production_image.bin.bz2" },
];

/** PrefetchResult names the mirrored version and where matchbox serves it. */
export interface PrefetchResult extends StepResult {
  version: string;
  /** The folder on the host, e.g. /var/lib/matchbox/assets/flatcar/4593.2.5. */
  folder: string;
  /** The URL path nodes use, e.g. /assets/flatcar/4593.2.5. */
  assetPath: string;
}

/** prefetchFlatcar mirrors a Flatcar release into matchbox's assets (also `pxectl assets prefetch`). */
export async function prefetchFlatcar(host: RemoteHost, assets: FlatcarAssets, options: { root?: string } = {}): Promise<PrefetchResult> {
  const target = new Target(host, options.root);
  const key = assets.key ?? FLATCAR_SIGNING_KEY;
  const base = `${assets.mirror ?? `https://${assets.channel}.release.flatcar-linux.net`}/${assets.board ?? "amd64-usr"}`;
  const work = await tempFolder(target, "flatcar");
  try {
    const version = assets.version === "current" ? await currentVersion(target, base, work) : assets.version;
    const folder = `${HOST_PATHS.matchboxAssets}/flatcar/${version}`;
    const result = { version, folder, assetPath: `/assets/flatcar/${version}` };
    const keyring = await installKeyring(target, key, work);
    if (await verifiedCopy(target, folder, keyring, key.fingerprint, `${base}/${version}`)) {
      return { ...result, changed: false, details: [`Flatcar ${version} (${assets.channel}) is in ${folder}, signatures good`] };
    }
    await fetchRelease(target, `${base}/${version}`, version, folder, keyring, key);
    return { ...result, changed: true, details: [`downloaded Flatcar ${version} (${assets.channel}) into ${folder}, signatures checked against ${key.fingerprint}`] };
  } finally {
    await removeFolder(target, work);
  }
}

async function currentVersion(target: Target, base: string, work: string): Promise<string> {
  const path = posix.join(work, "version.txt");
  await mustDownload(target, { url: `${base}/current/version.txt`, path });
  return parseVersionTxt((await target.host.readFile(path))!.toString("utf8"), `${base}/current/version.txt`);
}

/** parseVersionTxt reads FLATCAR_VERSION from a release's version.txt. */
export function parseVersionTxt(text: string, source: string): string {
  const version = /^FLATCAR_VERSION=(\S+)$/m.exec(text)?.[1];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new RemoteError(`${source} has no FLATCAR_VERSION line with a version such as 4593.2.5`, { hint: "check assets.flatcar.channel, or give a release in assets.flatcar.version" });
  return version;
}

function signedFiles(folder: string, source: string): Signed[] {
  return FLATCAR_FILES.map((f) => ({ file: posix.join(folder, f.name), signature: posix.join(folder, `${f.name}.sig`), source: `${source}/${f.name}` }));
}

/** verifiedCopy says whether folder holds the whole release with good signatures. */
async function verifiedCopy(target: Target, folder: string, keyring: string, fingerprint: string, source: string): Promise<boolean> {
  const files = signedFiles(target.path(folder), source);
  const paths = [...files.flatMap((f) => [f.file, f.signature]), target.path(`${folder}/version.txt`)];
  const present = await target.run(`for f in ${quoteAll(paths)}; do [ -f "$f" ] || exit 1; done`, { label: `look for ${folder}`, okExitCodes: [0, 1] });
  if (present.exitCode !== 0) return false;
  await verifySignatures(target, keyring, fingerprint, files);
  return true;
}

async function fetchRelease(target: Target, source: string, version: string, folder: string, keyring: string, key: SigningKey): Promise<void> {
  const parent = target.path(posix.dirname(folder));
  // stage beside the final folder, so putting it in place is a rename
  const staging = (await target.run(`mkdir -p ${quote(parent)} && mktemp -d ${quote(`${parent}/.${version}.pxectl-XXXXXX`)}`, { label: "mktemp" })).stdout.trim();
  try {
    const at = (name: string) => ({ url: `${source}/${name}`, path: posix.join(staging, name) });
    await mustDownload(target, ...FLATCAR_FILES.map((f) => at(f.name)), at("version.txt"));
    const signatures = await downloadAll(target, FLATCAR_FILES.map((f) => at(`${f.name}.sig`)));
    for (const [i, f] of FLATCAR_FILES.entries()) {
      if (signatures[i] || (f.signatureFallback && (await download(target, `${source}/${f.signatureFallback}`, at(`${f.name}.sig`).path)))) continue;
      throw new RemoteError(`${source}/${f.name} has no signature (.sig) to check it against`, { hint: "this release cannot be checked; choose another version in assets.flatcar.version" });
    }
    const stated = parseVersionTxt((await target.host.readFile(posix.join(staging, "version.txt")))!.toString("utf8"), `${source}/version.txt`);
    if (stated !== version) throw new RemoteError(`${source}/version.txt says ${stated}, not ${version}`, { hint: "the mirror is inconsistent; try again later" });
    await verifySignatures(target, keyring, key.fingerprint, signedFiles(staging, source));
    // the key beside the images lets `flatcar-install -k` check the image it installs
    await target.host.upload(key.armored, posix.join(staging, "Flatcar_Image_Signing_Key.asc"), { mode: 0o644 });
    const live = quote(target.path(folder));
    const old = quote(`${target.path(folder)}.pxectl-old`);
    await target.run(
      [`chmod 0755 ${quote(staging)} && chmod 0644 ${quote(staging)}/*`, `rm -rf -- ${old}`, `if [ -e ${live} ]; then mv -- ${live} ${old}; fi`, `mv -- ${quote(staging)} ${live}`, `rm -rf -- ${old}`].join("\n"),
      { label: `put Flatcar ${version} in place` },
    );
  } catch (e) {
    await removeFolder(target, staging);
    throw e;
  }
}
