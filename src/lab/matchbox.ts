// Which matchbox program the lab runs: --matchbox-binary, else matchbox.binary, else matchbox
// on PATH, else the release in the lab cache, downloaded and checked against its signature by
// the host installer's own step (run on this machine, under the cache as root prefix). Only
// when that download cannot reach the release, the project's matchbox test server runs instead.
import { access, constants, mkdir } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import { LabError, RemoteError, UsageError } from "../core/errors";
import type { RemoteHost } from "../remote/host";
import { type MatchboxSource, Target, ensureMatchboxBinary } from "../remote/installer";
import { LocalHost } from "./local-host";

/** LabMatchbox is the program the lab runs and where it was found. */
export interface LabMatchbox {
  path: string;
  from: "--matchbox-binary" | "matchbox.binary" | "PATH" | "release" | "test server";
  /** One line for the operator when it is not the real matchbox. */
  note?: string;
}

/** FindLabMatchboxOptions are where to look, in order. */
export interface FindLabMatchboxOptions {
  /** --matchbox-binary, resolved. */
  given?: string;
  /** matchbox.binary from pxectl.yaml, resolved. */
  configured?: string;
  env: NodeJS.ProcessEnv;
  /** The lab cache; the release goes under <cacheDir>/matchbox/usr/local/bin/matchbox. */
  cacheDir: string;
  /** The release to download (matchbox.version) and, in tests, where from and who signs it. */
  release: Extract<MatchboxSource, { kind: "release" }>;
  /** The project's matchbox test server (dist/matchbox-test-server.cjs), for machines that cannot download. */
  testServer: string;
  arch?: "amd64" | "arm64";
  host?: RemoteHost;
}

const executable = (path: string) => access(path, constants.X_OK).then(() => true, () => false);

/** isDownloadFailure says whether the release could not be fetched at all (offline), as opposed to a file that failed its checks. */
function isDownloadFailure(e: unknown): boolean {
  return e instanceof RemoteError && /^downloading \S+ on .+ failed: |the keyserver has no key/.test(e.message);
}

/** findLabMatchbox returns the matchbox program the lab runs. */
export async function findLabMatchbox(o: FindLabMatchboxOptions): Promise<LabMatchbox> {
  for (const [path, from] of [[o.given, "--matchbox-binary"], [o.configured, "matchbox.binary"]] as const) {
    if (!path) continue;
    if (!(await executable(path))) throw new UsageError(`${from} ${path} is not an executable file`, { hint: "chmod +x it, or pass the path of matchbox v0.11.0" });
    return { path: resolve(path), from };
  }
  for (const dir of (o.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "matchbox");
    if (await executable(candidate)) return { path: candidate, from: "PATH" };
  }
  const root = join(o.cacheDir, "matchbox");
  await mkdir(root, { recursive: true });
  const target = new Target(o.host ?? new LocalHost(), root);
  try {
    await ensureMatchboxBinary(target, o.release, o.arch ?? (process.arch === "arm64" ? "arm64" : "amd64"));
    return { path: target.path("/usr/local/bin/matchbox"), from: "release" };
  } catch (e) {
    if (!isDownloadFailure(e)) throw e;
    if (!(await executable(o.testServer))) {
      throw new LabError(`the lab needs a matchbox program: none is on PATH, and matchbox ${o.release.version} cannot be downloaded (${(e as Error).message})`, {
        hint: "pass --matchbox-binary FILE (matchbox from github.com/poseidon/matchbox/releases), or build pxectl's matchbox test server: npm run build",
      });
    }
    const note = `matchbox ${o.release.version} cannot be downloaded (${(e as Error).message}) and none is on PATH: the lab runs pxectl's matchbox test server ${o.testServer}`;
    return { path: o.testServer, from: "test server", note };
  }
}
