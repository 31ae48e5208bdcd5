// The matchbox binary in /usr/local/bin: a release downloaded on the host and checked
// against its signature, or a local file uploaded for hosts without internet access
// (--matchbox-binary). Either way the new binary must run (`matchbox -version`) before it
// replaces the old one, which catches a binary for another architecture.
import { readFile } from "node:fs/promises";
import { posix, resolve } from "node:path";
import { RemoteError, UsageError } from "../../core/errors";
import { quote } from "../shell";
import { download, mustDownload, removeFolder, tempFolder } from "./download";
import { FileSet, stagedPath, swapIn } from "./files";
import { KEYSERVER, MATCHBOX_KEY_FINGERPRINT, keyserverUrl } from "./keys";
import { HOST_PATHS } from "./paths";
import type { HostSettings } from "./settings";
import { installKeyring, verifySignatures } from "./signatures";
import type { StepResult } from "./step";
import type { Target } from "./target";

/** MATCHBOX_RELEASES is where matchbox's release tarballs are published. */
export const MATCHBOX_RELEASES = "https://github.com/poseidon/matchbox/releases/download";

/** MatchboxSource says where the binary comes from. */
export type MatchboxSource =
  | {
      kind: "release";
      /** A release tag such as v0.11.0. */
      version: string;
      /** Default MATCHBOX_RELEASES; tests point it at a local server. */
      releases?: string;
      /** Who must have signed the tarball; by default matchbox's key, fetched from KEYSERVER. */
      signer?: { fingerprint: string; armored?: string; keyserver?: string };
    }
  | { kind: "file"; /** A matchbox binary on the operator's machine. */ path: string };

/**
 * matchboxSource picks where the binary comes from: --matchbox-binary (relative to the
 * working folder), else matchbox.binary (relative to pxectl.yaml), else the release.
 */
export function matchboxSource(settings: Pick<HostSettings, "matchbox">, o: { flag?: string; cwd: string; projectDir: string }): MatchboxSource {
  if (o.flag) return { kind: "file", path: resolve(o.cwd, o.flag) };
  if (settings.matchbox.binary) return { kind: "file", path: resolve(o.projectDir, settings.matchbox.binary) };
  return { kind: "release", version: settings.matchbox.version };
}

/** BinaryResult is the step's outcome with the installed version. */
export interface BinaryResult extends StepResult {
  version: string;
  /** Target paths written: the binary, or nothing. */
  activated: readonly string[];
}

/** ensureMatchboxBinary installs matchbox unless the wanted one is already there. */
export async function ensureMatchboxBinary(target: Target, source: MatchboxSource, arch: "amd64" | "arm64"): Promise<BinaryResult> {
  return source.kind === "release" ? fromRelease(target, source, arch) : fromFile(target, source.path);
}

async function fromRelease(target: Target, source: Extract<MatchboxSource, { kind: "release" }>, arch: string): Promise<BinaryResult> {
  const installed = await versionOf(target, target.path(HOST_PATHS.matchboxBinary));
  if (installed === source.version) return { changed: false, details: [`matchbox ${installed} is installed`], version: installed, activated: [] };
  const name = `matchbox-${source.version}-linux-${arch}`;
  const url = `${source.releases ?? MATCHBOX_RELEASES}/${source.version}/${name}.tar.gz`;
  const folder = await tempFolder(target, "matchbox");
  try {
    const tarball = posix.join(folder, `${name}.tar.gz`);
    await mustDownload(target, { url, path: tarball }, { url: `${url}.asc`, path: `${tarball}.asc` });
    const signer = source.signer ?? { fingerprint: MATCHBOX_KEY_FINGERPRINT };
    const armored = signer.armored ?? (await fetchKey(target, signer.keyserver ?? KEYSERVER, signer.fingerprint, folder));
    const keyring = await installKeyring(target, { armored, fingerprint: signer.fingerprint }, folder);
    await verifySignatures(target, keyring, signer.fingerprint, [{ file: tarball, signature: `${tarball}.asc`, source: url }]);
    const staged = stagedPath(target.path(HOST_PATHS.matchboxBinary));
    await target.run(
      [
        `tar -xzf ${quote(tarball)} -C ${quote(folder)} ${quote(`${name}/matchbox`)}`,
        `mkdir -p ${quote(posix.dirname(staged))}`,
        `install -m 0755 -o 0 -g 0 ${quote(posix.join(folder, name, "matchbox"))} ${quote(staged)}`,
      ].join(" && "),
      { label: `unpack ${name}.tar.gz` },
    );
    const version = await versionOf(target, staged);
    if (version !== source.version) {
      await target.run(`rm -f -- ${quote(staged)}`, { label: "remove refused binary" });
      throw new RemoteError(`the matchbox binary in ${name}.tar.gz reports version ${version ?? "nothing"}, not ${source.version}; it was not installed`, { hint: "check matchbox.version in pxectl.yaml" });
    }
    const { paths: activated } = await swapIn(target, [{ path: HOST_PATHS.matchboxBinary, staged }]);
    const verb = installed ? `replaced matchbox ${installed} with ${version}` : `installed matchbox ${version}`;
    return { changed: true, details: [`${verb} from ${url} (signed by ${signer.fingerprint})`], version, activated };
  } finally {
    await removeFolder(target, folder);
  }
}

async function fromFile(target: Target, path: string): Promise<BinaryResult> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    throw new UsageError(`cannot read the matchbox binary ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e, hint: "check --matchbox-binary (matchbox.binary in pxectl.yaml)" });
  }
  const files = await FileSet.plan(target, [{ path: HOST_PATHS.matchboxBinary, content: data, mode: 0o755 }]);
  let version: string | undefined;
  const { paths: activated } = await files.apply(async (staged) => {
    version = await versionOf(target, staged.get(HOST_PATHS.matchboxBinary)!);
    if (!version) throw new RemoteError(`${path} does not run on ${target.host.label} (matchbox -version printed nothing); it was not installed`, { hint: "upload a linux matchbox binary for the host's architecture" });
  });
  version ??= await versionOf(target, target.path(HOST_PATHS.matchboxBinary));
  const changed = files.changed.length > 0;
  return { changed, details: [changed ? `uploaded matchbox ${version} from ${path}` : `matchbox ${version} from ${path} is installed`], version: version ?? "unknown", activated };
}

/** versionOf runs a matchbox binary (host path) for its version; undefined when it is missing or does not run. */
async function versionOf(target: Target, binary: string): Promise<string | undefined> {
  // a binary for another CPU fails with "exec format error": that is an answer, not an error here
  const result = await target.run(`if [ -x ${quote(binary)} ]; then ${quote(binary)} -version 2>&1 || true; fi`, { label: `${binary} -version` });
  const version = result.stdout.trim();
  return /^v?\d+\.\d+\.\d+\S*$/.test(version) ? version : undefined;
}

async function fetchKey(target: Target, keyserver: string, fingerprint: string, folder: string): Promise<string> {
  const path = posix.join(folder, "key.asc");
  const url = keyserverUrl(keyserver, fingerprint);
  if (!(await download(target, url, path))) throw new RemoteError(`the keyserver has no key ${fingerprint} (${url})`, { hint: "try again later, or upload the binary with --matchbox-binary" });
  return (await target.host.readFile(path))!.toString("utf8");
}
