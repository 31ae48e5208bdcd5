// What the host downloads, checked before use: matchbox's release tarball against a key
// fetched from a keyserver by fingerprint, and Flatcar's images against Flatcar's key. A
// local HTTP server plays GitHub, the keyserver and Flatcar's mirror, with files signed by
// a throwaway key; tampered files are refused and nothing is installed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteError } from "../../src/core/errors";
import { type RemoteHost, connectHost } from "../../src/remote";
import { HOST_PATHS, type MatchboxSource, prefetchFlatcar } from "../../src/remote/installer";
import { ensureMatchboxBinary } from "../../src/remote/installer/matchbox-binary";
import { Target } from "../../src/remote/installer/target";
import type { FLATCAR_TEST_FILES} from "../support/flatcar-release";
import { publishFlatcar } from "../support/flatcar-release";
import { TestSigner } from "../support/gpg";
import { TestSshd } from "../support/sshd";
import { StaticServer } from "../support/static-server";
import { tempDir } from "../support/tempdir";

let sshd: TestSshd;
let host: RemoteHost;
let web: StaticServer;
let signer: TestSigner;
let stranger: TestSigner;

beforeAll(async () => {
  [sshd, web] = await Promise.all([TestSshd.start(), StaticServer.start()]);
  signer = TestSigner.create();
  stranger = TestSigner.create();
  host = await connectHost({ host: sshd.host, port: sshd.port, user: "root", credentials: { keyFile: sshd.clientKey }, hostKey: { pinned: sshd.hostKeyFingerprint() }, log: () => undefined });
});
afterAll(async () => {
  await host?.close();
  await Promise.all([sshd?.stop(), web?.close()]);
  signer?.dispose();
  stranger?.dispose();
});

/** tarball builds a release tarball laid out like matchbox's (binary under a top folder). */
function tarball(version: string, script: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "pxectl-release-"));
  try {
    const name = `matchbox-${version}-linux-amd64`;
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "matchbox"), script, { mode: 0o755 });
    writeFileSync(join(dir, name, "README.md"), "matchbox\n");
    return execFileSync("tar", ["-czf", "-", "-C", dir, name]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("matchbox release", () => {
  const version = "v0.11.0";
  const path = `/releases/${version}/matchbox-${version}-linux-amd64.tar.gz`;
  const release = (): MatchboxSource => ({ kind: "release", version, releases: `${web.url}/releases`, signer: { fingerprint: signer.fingerprint, keyserver: `${web.url}/keys` } });

  beforeAll(() => {
    const body = tarball(version, `#!/bin/sh\necho ${version}\n`);
    web.put(path, body);
    web.put(`${path}.asc`, signer.sign(body, { armor: true }));
    web.put(`/keys/pks/lookup?op=get&options=mr&search=0x${signer.fingerprint}`, signer.publicKey);
  });

  it("downloads on the host, checks the signature with the key the keyserver gives for the pinned fingerprint, installs, then leaves it", async () => {
    const root = tempDir();
    const target = new Target(host, root);
    const first = await ensureMatchboxBinary(target, release(), "amd64");
    expect(first).toMatchObject({ changed: true, version });
    expect(first.details[0]).toBe(`installed matchbox ${version} from ${web.url}${path} (signed by ${signer.fingerprint})`);
    expect(statSync(join(root, HOST_PATHS.matchboxBinary)).mode & 0o777).toBe(0o755);
    expect(execFileSync(join(root, HOST_PATHS.matchboxBinary), ["-version"], { encoding: "utf8" })).toBe(`${version}\n`);
    const downloads = web.requests.length;
    expect(await ensureMatchboxBinary(target, release(), "amd64")).toMatchObject({ changed: false, version, details: [`matchbox ${version} is installed`] });
    expect(web.requests.length).toBe(downloads);
    expect(readdirSync(join(root, "var/tmp"))).toEqual([]);
  });

  it("refuses a tarball that is not signed by the pinned key, whatever the keyserver says", async () => {
    const root = tempDir();
    const forged = tarball(version, "#!/bin/sh\necho v0.11.0\n# forged\n");
    const impostor = `/impostor/${version}/matchbox-${version}-linux-amd64.tar.gz`;
    web.put(impostor, forged);
    web.put(`${impostor}.asc`, stranger.sign(forged, { armor: true }));
    // a keyserver that hands out the stranger's key under the pinned fingerprint
    web.put(`/evil/pks/lookup?op=get&options=mr&search=0x${signer.fingerprint}`, stranger.publicKey);
    const source: MatchboxSource = { kind: "release", version, releases: `${web.url}/impostor`, signer: { fingerprint: signer.fingerprint, keyserver: `${web.url}/evil` } };
    const error = await ensureMatchboxBinary(new Target(host, root), source, "amd64").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toBe(`matchbox-${version}-linux-amd64.tar.gz from ${web.url}${impostor} failed its signature check (signed by ${stranger.fingerprint}, not ${signer.fingerprint}); it was not installed`);
    expect(existsSync(join(root, HOST_PATHS.matchboxBinary))).toBe(false);
  });

  it("refuses a tampered tarball", async () => {
    const root = tempDir();
    const tampered = `/tampered/${version}/matchbox-${version}-linux-amd64.tar.gz`;
    const body = tarball(version, `#!/bin/sh\necho ${version}\n`);
    web.put(`${tampered}.asc`, signer.sign(body, { armor: true }));
    web.put(tampered, Buffer.concat([body, Buffer.from("x")]));
    const source: MatchboxSource = { kind: "release", version, releases: `${web.url}/tampered`, signer: { fingerprint: signer.fingerprint, armored: signer.publicKey } };
    await expect(ensureMatchboxBinary(new Target(host, root), source, "amd64")).rejects.toThrow(/failed its signature check \(BAD signature\); it was not installed$/);
    expect(existsSync(join(root, HOST_PATHS.matchboxBinary))).toBe(false);
  });

  it("says when the release does not exist", async () => {
    const source: MatchboxSource = { kind: "release", version: "v9.9.9", releases: `${web.url}/releases`, signer: { fingerprint: signer.fingerprint, armored: signer.publicKey } };
    await expect(ensureMatchboxBinary(new Target(host, tempDir()), source, "amd64")).rejects.toThrow(`${web.url}/releases/v9.9.9/matchbox-v9.9.9-linux-amd64.tar.gz does not exist (HTTP 404)`);
  });
});

describe("Flatcar prefetch", () => {
  const version = "4593.2.5";
  const mirror = (channel: string) => `${web.url}/${channel}`;
  const assets = (channel: string, v = "current") => ({ channel: "stable" as const, version: v, mirror: mirror(channel), key: { armored: signer.publicKey, fingerprint: signer.fingerprint } });
  const publish = (channel: string, change: Partial<Record<keyof typeof FLATCAR_TEST_FILES, string>> = {}) => publishFlatcar(web, signer, { prefix: channel, version, change });

  it("resolves current, downloads, checks every signature, and serves the version under assets", async () => {
    publish("good");
    const root = tempDir();
    const result = await prefetchFlatcar(host, assets("good"), { root });
    expect(result).toMatchObject({ changed: true, version, folder: `/var/lib/matchbox/assets/flatcar/${version}`, assetPath: `/assets/flatcar/${version}` });
    const folder = join(root, result.folder);
    expect(readdirSync(folder).sort()).toEqual([
      "Flatcar_Image_Signing_Key.asc",
      "flatcar_production_image.bin.bz2",
      "flatcar_production_image.bin.bz2.sig",
      "flatcar_production_pxe.vmlinuz",
      "flatcar_production_pxe.vmlinuz.sig",
      "flatcar_production_pxe_image.cpio.gz",
      "flatcar_production_pxe_image.cpio.gz.sig",
      "version.txt",
    ]);
    expect(readFileSync(join(folder, "flatcar_production_pxe.vmlinuz"), "utf8")).toBe("kernel");
    expect(statSync(join(folder, "flatcar_production_pxe.vmlinuz")).mode & 0o777).toBe(0o644);
    const again = await prefetchFlatcar(host, assets("good", version), { root });
    expect(again).toMatchObject({ changed: false, details: [`Flatcar ${version} (stable) is in /var/lib/matchbox/assets/flatcar/${version}, signatures good`] });
  });

  it("refuses a tampered image and leaves no folder behind", async () => {
    publish("bad", { "flatcar_production_pxe_image.cpio.gz": "initrd with a backdoor" });
    const root = tempDir();
    const error = await prefetchFlatcar(host, assets("bad"), { root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toBe(`flatcar_production_pxe_image.cpio.gz from ${mirror("bad")}/amd64-usr/${version}/flatcar_production_pxe_image.cpio.gz failed its signature check (BAD signature); it was not installed`);
    expect(readdirSync(join(root, "var/lib/matchbox/assets/flatcar"))).toEqual([]);
  });
});
