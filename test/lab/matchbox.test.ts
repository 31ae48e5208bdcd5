// Which matchbox the lab runs without --matchbox-binary: matchbox.binary, PATH, else the
// release downloaded once into the lab cache and checked against its signature by the host
// installer's own step, run on this machine; offline, the project's test server, said in one
// line. A local HTTP server plays GitHub and the keyserver, with a throwaway signing key.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteError, UsageError } from "../../src/core/errors";
import { findLabMatchbox } from "../../src/lab/matchbox";
import type { MatchboxSource } from "../../src/remote/installer";
import { TestSigner } from "../support/gpg";
import { MATCHBOX_TEST_SERVER } from "../support/lab";
import { StaticServer } from "../support/static-server";
import { tempDir } from "../support/tempdir";

const version = "v0.11.0";
const name = `matchbox-${version}-linux-amd64`;
let web: StaticServer;
let signer: TestSigner;
let stranger: TestSigner;

function tarball(script: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "pxectl-release-"));
  try {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "matchbox"), script, { mode: 0o755 });
    return execFileSync("tar", ["-czf", "-", "-C", dir, name]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  web = await StaticServer.start();
  signer = TestSigner.create();
  stranger = TestSigner.create();
  const body = tarball(`#!/bin/sh\necho ${version}\n`);
  web.put(`/releases/${version}/${name}.tar.gz`, body);
  web.put(`/releases/${version}/${name}.tar.gz.asc`, signer.sign(body, { armor: true }));
  web.put(`/forged/${version}/${name}.tar.gz`, body);
  web.put(`/forged/${version}/${name}.tar.gz.asc`, stranger.sign(body, { armor: true }));
  web.put(`/keys/pks/lookup?op=get&options=mr&search=0x${signer.fingerprint}`, signer.publicKey);
});
afterAll(async () => {
  await web?.close();
  signer?.dispose();
  stranger?.dispose();
});

const release = (releases: string): Extract<MatchboxSource, { kind: "release" }> => ({ kind: "release", version, releases, signer: { fingerprint: signer.fingerprint, keyserver: `${web.url}/keys` } });

describe("the lab's matchbox", () => {
  it("is --matchbox-binary, else matchbox.binary, else matchbox on PATH", async () => {
    const bin = tempDir({ "matchbox": "#!/bin/sh\n", "other": "#!/bin/sh\n", "plain": "" });
    execFileSync("chmod", ["+x", join(bin, "matchbox"), join(bin, "other")]);
    const base = { env: { PATH: bin }, cacheDir: tempDir(), release: release(`${web.url}/releases`), testServer: MATCHBOX_TEST_SERVER };
    expect(await findLabMatchbox({ ...base, given: join(bin, "other"), configured: join(bin, "matchbox") })).toEqual({ path: join(bin, "other"), from: "--matchbox-binary" });
    expect(await findLabMatchbox({ ...base, configured: join(bin, "other") })).toEqual({ path: join(bin, "other"), from: "matchbox.binary" });
    expect(await findLabMatchbox(base)).toEqual({ path: join(bin, "matchbox"), from: "PATH" });
    await expect(findLabMatchbox({ ...base, configured: join(bin, "plain") })).rejects.toThrow(UsageError);
    await expect(findLabMatchbox({ ...base, configured: join(bin, "plain") })).rejects.toThrow(`matchbox.binary ${join(bin, "plain")} is not an executable file`);
  });

  it("else downloads the release into the lab cache once, checked against its signature as the host installer does", async () => {
    const cacheDir = tempDir();
    const o = { env: { PATH: tempDir() }, cacheDir, release: release(`${web.url}/releases`), testServer: MATCHBOX_TEST_SERVER, arch: "amd64" as const };
    const found = await findLabMatchbox(o);
    expect(found).toEqual({ path: join(cacheDir, "matchbox/usr/local/bin/matchbox"), from: "release" });
    expect(execFileSync(found.path, ["-version"], { encoding: "utf8" })).toBe(`${version}\n`);
    expect(web.requests).toContain(`/releases/${version}/${name}.tar.gz.asc`);
    const asked = web.requests.length;
    expect(await findLabMatchbox(o)).toEqual(found);
    expect(web.requests.length).toBe(asked); // the cached one is checked by running it, not downloaded again
  });

  it("refuses a release not signed by the pinned key, and does not fall back", async () => {
    const cacheDir = tempDir();
    const error = await findLabMatchbox({ env: { PATH: tempDir() }, cacheDir, release: release(`${web.url}/forged`), testServer: MATCHBOX_TEST_SERVER, arch: "amd64" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as Error).message).toBe(`${name}.tar.gz from ${web.url}/forged/${version}/${name}.tar.gz failed its signature check (signed by an unknown key); it was not installed`);
    expect(existsSync(join(cacheDir, "matchbox/usr/local/bin/matchbox"))).toBe(false);
  });

  it("offline, runs the project's matchbox test server and says so in one line", async () => {
    const closed = await StaticServer.start();
    const url = closed.url;
    await closed.close(); // nothing listens there any more: the release cannot be reached
    const found = await findLabMatchbox({ env: { PATH: tempDir() }, cacheDir: tempDir(), release: release(`${url}/releases`), testServer: MATCHBOX_TEST_SERVER, arch: "amd64" });
    expect(found).toMatchObject({ path: MATCHBOX_TEST_SERVER, from: "test server" });
    expect(found.note).toMatch(new RegExp(`^matchbox v0\\.11\\.0 cannot be downloaded \\(downloading ${url.replace(/\./g, "\\.")}/releases/v0\\.11\\.0/${name}\\.tar\\.gz on this machine failed: [^)]+\\) and none is on PATH: the lab runs pxectl's matchbox test server ${MATCHBOX_TEST_SERVER}$`));
    expect(found.note).not.toContain("\n");
  });
});
