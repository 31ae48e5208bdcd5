// pxectl assets prefetch end to end: after init --skip-assets, the host (a real sshd in its
// namespace, installing under --root) downloads a fake Flatcar release from a test server
// on its default gateway, checks the signatures with the key given, and status sees it.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/environment/checks";
import { type TestHost, startTestHost, testProject } from "../support/environment";
import { publishFlatcar } from "../support/flatcar-release";
import { TestSigner } from "../support/gpg";
import { startTestServer } from "../support/sakuracloud/connect";
import { StaticServer } from "../support/static-server";
import { tempDir } from "../support/tempdir";

let host: TestHost;
let web: StaticServer;
let signer: TestSigner;

beforeAll(async () => {
  host = await startTestHost();
  web = await StaticServer.start(host.net.gateway);
  signer = TestSigner.create();
}, 60_000);

afterAll(async () => {
  await web?.close();
  await host?.stop();
  signer?.dispose();
});

describe("pxectl assets prefetch", () => {
  it("mirrors a signed release on the recorded host, leaves it when complete, and refuses one its key does not vouch for", async () => {
    const version = "4593.2.5";
    publishFlatcar(web, signer, { prefix: "flatcar", version });
    const keyFile = join(tempDir({ "key.asc": signer.publicKey }), "key.asc");
    const sakura = await startTestServer();
    const p = testProject(host, sakura);
    expect((await p.init()).exitCode).toBe(0);
    const prefetch = (...flags: string[]) => p.pxectl(["assets", "prefetch", "--mirror", `${web.url}/flatcar`, "--release", "current", ...flags, "-o", "json"]);
    const assetsCheck = async () => (JSON.parse((await p.pxectl(["status", "-o", "json"])).stdout) as { checks: CheckResult[] }).checks.find((c) => c.name === "assets");

    const first = await prefetch("--signing-key", keyFile);
    expect(first.exitCode).toBe(0);
    const folder = `/var/lib/matchbox/assets/flatcar/${version}`;
    expect(JSON.parse(first.stdout)).toEqual({ version, channel: "stable", folder, assetPath: `/assets/flatcar/${version}`, changed: true, signedBy: signer.fingerprint });
    expect(readdirSync(join(p.root, folder)).sort()).toEqual([
      "Flatcar_Image_Signing_Key.asc",
      "flatcar_production_image.bin.bz2",
      "flatcar_production_image.bin.bz2.sig",
      "flatcar_production_pxe.vmlinuz",
      "flatcar_production_pxe.vmlinuz.sig",
      "flatcar_production_pxe_image.cpio.gz",
      "flatcar_production_pxe_image.cpio.gz.sig",
      "version.txt",
    ]);
    expect(await assetsCheck()).toEqual({ name: "assets", status: "pass", detail: `Flatcar ${version} in ${folder}` });
    expect(JSON.parse((await prefetch("--signing-key", keyFile)).stdout)).toMatchObject({ changed: false });

    // a file lost on the host: status says so and how to fix it; the fix works
    rmSync(join(p.root, folder, "flatcar_production_pxe_image.cpio.gz"));
    expect(await assetsCheck()).toEqual({ name: "assets", status: "fail", detail: `Flatcar ${version} is incomplete on the host: flatcar_production_pxe_image.cpio.gz missing`, hint: "pxectl assets prefetch downloads it again" });
    expect(JSON.parse((await prefetch("--signing-key", keyFile)).stdout)).toMatchObject({ changed: true });
    expect((await assetsCheck())?.status).toBe("pass");

    // Flatcar's own key does not vouch for the test key's signatures: nothing of the new release appears
    publishFlatcar(web, signer, { prefix: "flatcar", version: "4594.0.0" });
    const refused = await prefetch();
    expect(refused.exitCode).toBe(5);
    expect(refused.stderr).toContain("signature");
    expect(readdirSync(join(p.root, "var/lib/matchbox/assets/flatcar"))).toEqual([version]);

    writeFileSync(keyFile, "not a key\n");
    const bad = await prefetch("--signing-key", keyFile);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(`--signing-key: ${keyFile}: no armored OpenPGP block found`);

    expect((await p.pxectl(["destroy", "--yes"])).exitCode).toBe(0);
  }, 120_000);
});
