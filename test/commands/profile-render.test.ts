// pxectl profile render works offline from the directory; what it shows must be what the
// (test) matchbox serves for the same requests once the directory is applied.
import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { startMatchbox } from "../support/matchbox-harness";
import { tempDir } from "../support/tempdir";

const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));

interface Exchange {
  url: string;
  status: number;
  body: string;
  group?: string;
  profile?: string;
}

describe("pxectl profile render", () => {
  it("shows the iPXE script and the Ignition a machine gets, without a server", async () => {
    const r = await runCli(["profile", "render", "--mac", "52-54-00-A1-9C-AE", "-f", "profiles"], { cwd: EXAMPLES });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(0, 6)).toEqual([
      "# iPXE: GET /ipxe?uuid=&mac=52-54-00-a1-9c-ae&domain=&hostname=&serial=&arch=x86_64",
      "# -> group install, profile flatcar-install",
      "#!ipxe",
      "kernel /assets/flatcar/4593.2.5/flatcar_production_pxe.vmlinuz initrd=flatcar_production_pxe_image.cpio.gz flatcar.config.url=http://192.168.0.1:8080/ignition?uuid=${uuid}&mac=${mac:hexhyp} flatcar.first_boot=yes console=tty0 console=ttyS0",
      "initrd /assets/flatcar/4593.2.5/flatcar_production_pxe_image.cpio.gz",
      "boot",
    ]);
    expect(lines[7]).toBe("# Ignition: GET http://192.168.0.1:8080/ignition?uuid=&mac=52-54-00-a1-9c-ae");
    expect(lines[8]).toMatch(/^# -> group install, profile flatcar-install, config flatcar-install\.[0-9a-f]{12}\.ign$/);
    expect(JSON.parse(lines[9]!).ignition.version).toBe("3.4.0");
  });

  it("prints one body alone with --ipxe or --ignition", async () => {
    const ipxe = await runCli(["profile", "render", "--mac", "52:54:00:a1:9c:ae", "-f", "profiles", "--ipxe"], { cwd: EXAMPLES });
    expect(ipxe.stdout).toMatch(/^#!ipxe\nkernel .*\ninitrd .*\nboot\n$/);
    const ign = await runCli(["profile", "render", "--mac", "5254.00a1.9cae", "--query", "os=installed", "-f", "profiles", "--ignition"], { cwd: EXAMPLES });
    const config = JSON.parse(ign.stdout);
    expect(config.storage.files[0]).toMatchObject({ path: "/etc/hostname", contents: { source: "data:,node1" } });
  });

  it.each([
    [["--mac", "52:54:00:zz:9c:ae"], 2, /^error: invalid --mac "52:54:00:zz:9c:ae"\nhint: use 6 hex octets/],
    [["--mac", "52:54:00:a1:9c:ae", "--query", "os"], 2, /^error: --query "os" is not k=v\n/],
    [["--mac", "52:54:00:a1:9c:ae", "--query", "mac=x"], 2, /^error: the MAC is given with --mac, not --query\n/],
    [["--mac", "52:54:00:a1:9c:ae", "--ipxe", "--ignition"], 2, /^error: option '--ipxe' cannot be used with option '--ignition'/],
  ])("refuses %j with a one-line error", async (args, code, stderr) => {
    const r = await runCli(["profile", "render", "-f", "profiles", ...args], { cwd: EXAMPLES });
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(stderr);
  });

  it("says when no group matches: matchbox would answer 404", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n", "profiles/a.yaml": "kind: profile\nid: p\n---\nkind: group\nid: g\nprofile: p\nselector: {os: installed}\n" });
    const r = await runCli(["profile", "render", "--mac", "52:54:00:a1:9c:ae"], { cwd });
    expect(r).toMatchObject({ exitCode: 10, stdout: "" });
    expect(r.stderr).toMatch(/^error: matchbox would answer \/ipxe\?uuid=&mac=52-54-00-a1-9c-ae&domain=&hostname=&serial=&arch=x86_64 with 404: no group matches these labels\nhint: /);
  });

  it.each([
    ["a stage-0 machine", ["--mac", "52:54:00:00:00:01"]],
    ["node1 booting", ["--mac", "52:54:00:a1:9c:ae"]],
    ["node1 installed", ["--mac", "52:54:00:a1:9c:ae", "--query", "os=installed"]],
    ["another machine installed", ["--mac", "52:54:00:00:00:01", "--query", "os=installed"]],
  ])("agrees with the matchbox test server once applied: %s", async (_what, args) => {
    const mb = await startMatchbox();
    const cwd = tempDir();
    cpSync(EXAMPLES, cwd, { recursive: true });
    cpSync(mb.pki.dir, join(cwd, ".pxectl/tls"), { recursive: true });
    expect((await runCli(["profile", "apply", "--endpoint", mb.endpoint], { cwd })).exitCode).toBe(0);
    const r = await runCli(["profile", "render", ...args, "-o", "json"], { cwd });
    const rendered = JSON.parse(r.stdout) as { ipxe: Exchange; ignition: Exchange };
    for (const e of [rendered.ipxe, rendered.ignition]) {
      const path = e.url.replace(/^http:\/\/[^/]+/, "");
      const res = await fetch(mb.httpUrl + path);
      expect({ status: res.status, body: await res.text() }).toEqual({ status: e.status, body: e.body });
    }
  });
});
