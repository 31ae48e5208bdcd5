import { cpSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));

function project(files: Record<string, string>): string {
  const dir = tempDir({ "pxectl.yaml": "name: demo\nvariables:\n  ssh_authorized_key: ssh-ed25519 AAAA\n", ...files });
  return dir;
}

describe("pxectl profile plan", () => {
  it.each(["profiles", "seed"])("validates the %s example", async (dir) => {
    const r = await runCli(["profile", "plan", "-f", dir, "--offline", "-o", "json"], { cwd: EXAMPLES });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.compared_with).toBeNull();
    expect(plan.summary.create).toBeGreaterThan(0);
    expect(plan.changes.every((c: { action: string }) => c.action === "create")).toBe(true);
  });

  it("from the folder above examples/, -f examples/profiles finds examples/pxectl.yaml beside it (plan --offline, render)", async () => {
    const cwd = tempDir();
    cpSync(EXAMPLES, join(cwd, "examples"), { recursive: true });
    const plan = await runCli(["profile", "plan", "-f", "examples/profiles", "--offline"], { cwd });
    expect(plan.stderr).toBe("");
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain("+ profile flatcar-install");
    const render = await runCli(["profile", "render", "-f", "examples/profiles", "--mac", "52:54:00:a1:9c:ae", "--ipxe"], { cwd });
    expect(render.exitCode, render.stderr).toBe(0);
    expect(render.stdout).toContain("flatcar_production_pxe.vmlinuz");
    // apply writes state, so it does not guess: the error says which --config to pass
    const apply = await runCli(["profile", "apply", "-f", "examples/profiles"], { cwd });
    expect(apply.exitCode).toBe(3);
    expect(apply.stderr).toBe("error: pxectl.yaml: no project file here\nhint: pass the project of examples/profiles: --config examples/pxectl.yaml\n");
  });

  it("reads profiles.dir from pxectl.yaml, relative to it", async () => {
    const cwd = tempDir();
    cpSync(EXAMPLES, join(cwd, "lab"), { recursive: true });
    const r = await runCli(["profile", "plan", "--offline", "--config", "lab/pxectl.yaml"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Plan: 9 to create, 0 to update, 0 to delete \(0 unchanged\)\n {2}\+ ignition flatcar-install\.[0-9a-f]{12}\.ign\n/);
  });

  const P = "kind: profile\nid: p\n";
  it.each([
    ["a malformed template", { "profiles/a.yaml": P + "config: c/x.yaml\n", "profiles/c/x.yaml": "variant: flatcar\nversion: 1.1.0\npasswd: {{#if x}}\n" }, /^error: profiles\/c\/x\.yaml:4:\d+: invalid template: a block or \{\{ is not closed$/],
    ["a missing variable", { "profiles/a.yaml": P + "config: c/x.yaml\n", "profiles/c/x.yaml": "variant: flatcar\nversion: 1.1.0\npasswd:\n  users:\n    - name: {{user}}\n" }, /^error: profiles\/c\/x\.yaml:5:15: template variable "user" is not defined$/],
    ["a Butane key typo", { "profiles/a.yaml": P + "config: c/x.yaml\n", "profiles/c/x.yaml": "variant: flatcar\nversion: 1.1.0\nsystemd:\n  units:\n    - name: a.service\n      enable: true\n" }, /^error: profiles\/c\/x\.yaml:6:7: systemd\.units\[0\]\.enable: unknown key "enable"; did you mean "enabled"\?$/],
    ["an unknown variant", { "profiles/a.yaml": P + "config: c/x.yaml\n", "profiles/c/x.yaml": "variant: flatcar\nversion: 1.2.0-experimental\n" }, /^error: profiles\/c\/x\.yaml:1:10: variant: unsupported Butane variant\/version "flatcar 1\.2\.0-experimental"; pxectl supports flatcar 1\.0\.0, flatcar 1\.1\.0, fcos 1\.5\.0$/],
    ["a duplicate selector", { "profiles/a.yaml": P + "---\nkind: group\nid: a\nprofile: p\nselector: {os: installed}\n---\nkind: group\nid: b\nprofile: p\nselector: {os: installed}\n" }, /^error: profiles\/a\.yaml:12:11: selector: groups "a" and "b" have the same selector \{os=installed\}; matchbox would pick one of them arbitrarily$/],
    ["a bad MAC", { "profiles/a.yaml": P + "---\nkind: group\nid: a\nprofile: p\nselector: {mac: 52:54:00:a1:9c}\n" }, /^error: profiles\/a\.yaml:7:17: selector\.mac: invalid MAC address "52:54:00:a1:9c"/],
  ])("%s is a one-line error with exit code 3", async (_what, files, expected) => {
    const r = await runCli(["profile", "plan", "--offline"], { cwd: project(files) });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("");
    const [line, hint, ...rest] = r.stderr.split("\n");
    expect(line).toMatch(expected);
    expect(hint).toMatch(/^hint: /);
    expect(rest).toEqual([""]);
  });

  it("accepts a MAC in every common spelling", async () => {
    for (const mac of ["52:54:00:A1:9C:AE", "52-54-00-a1-9c-ae", "5254.00a1.9cae", "525400a19cae", "52:54:0:a1:9c:ae"]) {
      const r = await runCli(["profile", "plan", "--offline", "-o", "json"], { cwd: project({ "profiles/a.yaml": `${P}---\nkind: group\nid: a\nprofile: p\nselector: {mac: "${mac}"}\n` }) });
      expect(r.exitCode).toBe(0);
    }
  });

  it("warns about a legacy Container Linux Config and still plans it", async () => {
    const cwd = project({ "profiles/a.yaml": P + "config: c/clc.yaml\n", "profiles/c/clc.yaml": "systemd:\n  units:\n    - name: a.service\n      enable: true\n" });
    const r = await spawnCli(["profile", "plan", "--offline"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^warning: profiles\/c\/clc\.yaml:1:1: a legacy Container Linux Config: pxectl converted it/);
    expect(r.stdout).toContain("+ profile p");
  });
});
