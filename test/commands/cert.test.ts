import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureTls, tlsPaths } from "../../src/pki";
import { runCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

async function project(validityDays = 400, extra = ""): Promise<string> {
  const cwd = tempDir({ "pxectl.yaml": `name: demo\n${extra}` });
  await ensureTls(tlsPaths(join(cwd, ".pxectl/tls")), { env: "demo", serverSans: ["192.168.0.1", "203.0.113.10"], validityDays, now: new Date() });
  return cwd;
}

const serial = (file: string) => execFileSync("openssl", ["x509", "-in", file, "-noout", "-serial"], { encoding: "utf8" });

describe("pxectl cert show", () => {
  it("lists the three certificates with addresses and days left", async () => {
    const cwd = await project();
    const r = await runCli(["cert", "show"], { cwd });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ROLE\s+SUBJECT\s+ADDRESSES\s+ISSUER\s+NOT AFTER\s+DAYS LEFT$/);
    expect(lines[1]).toMatch(/^ca\s+CN=pxectl CA \(demo\), O=pxectl\s+-\s+CN=pxectl CA \(demo\), O=pxectl\s+\d{4}-\d\d-\d\d\s+3649$/);
    expect(lines[2]).toMatch(/^server\s+CN=192\.168\.0\.1, O=pxectl\s+192\.168\.0\.1, 203\.0\.113\.10\s+CN=pxectl CA \(demo\), O=pxectl\s+\S+\s+399$/);
    expect(lines[3]).toMatch(/^client\s+CN=pxectl client \(demo\), O=pxectl\s+-\s+/);
    expect(r.stderr).toBe("");
  });

  it("warns under 30 days and reports JSON", async () => {
    const cwd = await project(12);
    const r = await runCli(["cert", "show", "--role", "client", "-o", "json"], { cwd });
    expect(r.exitCode).toBe(0);
    const [row] = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(row).toMatchObject({ role: "client", status: "expiring", daysLeft: 11, usage: ["clientAuth"], isCa: false });
    expect(r.stderr).toBe("warning: .pxectl/tls/client.crt expires in 11 days: pxectl cert rotate --client\n");
  });

  it("explains that there is no CA yet, exit 11", async () => {
    const r = await runCli(["cert", "show"], { cwd: tempDir({ "pxectl.yaml": "name: demo\n" }) });
    expect(r.exitCode).toBe(11);
    expect(r.stderr).toBe("error: no CA in .pxectl/tls\nhint: pxectl init (pxectl lab up in a lab) creates the CA and the certificates\n");
  });
});

describe("pxectl cert rotate", () => {
  it("re-issues the client under the same CA", async () => {
    const cwd = await project();
    const paths = tlsPaths(join(cwd, ".pxectl/tls"));
    const ca = readFileSync(paths.ca.cert, "utf8");
    const before = serial(paths.client.cert);
    const r = await runCli(["cert", "rotate", "--client"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("✓ re-issued the client certificate\n");
    expect(serial(paths.client.cert)).not.toBe(before);
    expect(readFileSync(paths.ca.cert, "utf8")).toBe(ca);
    expect(execFileSync("openssl", ["verify", "-CAfile", paths.ca.cert, paths.client.cert], { encoding: "utf8" })).toContain("OK");
  });

  it("keeps the server's addresses, adds tls.extra_sans, and notes the pending deploy", async () => {
    const cwd = await project(400, "tls:\n  extra_sans: [matchbox.example.com]\n");
    const r = await runCli(["cert", "rotate", "--server", "-o", "json"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rotated: ["server"], serverSans: ["192.168.0.1", "203.0.113.10", "matchbox.example.com"], serverDeployPending: true });
    const sans = execFileSync("openssl", ["x509", "-in", join(cwd, ".pxectl/tls/server.crt"), "-noout", "-ext", "subjectAltName"], { encoding: "utf8" });
    expect(sans).toContain("IP Address:192.168.0.1, IP Address:203.0.113.10, DNS:matchbox.example.com");
    const state = JSON.parse(readFileSync(join(cwd, ".pxectl/state.json"), "utf8")) as { tls: Record<string, unknown> };
    expect(state.tls).toMatchObject({ server_deploy_pending: true, server_rotated_at: expect.any(String) });
  });

  it("needs to be told what to rotate", async () => {
    const r = await runCli(["cert", "rotate"], { cwd: await project() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("error: nothing to rotate\nhint: pass --server, --client or both\n");
  });
});
