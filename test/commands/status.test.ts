// pxectl status without a host: which checks a provider gets, and what it says about an
// init that never ran, stopped half way, or left a damaged state file.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkServices } from "../../src/commands/status/host-checks";
import type { CheckResult } from "../../src/environment/checks";
import { Target } from "../../src/remote/installer/target";
import { runCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { ScriptedHost } from "../support/scripted-host";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";
import { tempDir } from "../support/tempdir";

const EXISTING = "name: demo\nprovider: existing\nhost:\n  address: 192.0.2.10\n";

async function status(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const r = await runCli(["status", "-o", "json"], { cwd: tempDir(files), clock: new FakeClock(), env });
  const value = JSON.parse(r.stdout) as { ok: boolean; checks: CheckResult[] };
  return { exitCode: r.exitCode, ok: value.ok, byName: Object.fromEntries(value.checks.map((c) => [c.name, c])), names: value.checks.map((c) => c.name) };
}

const state = (steps: object) =>
  JSON.stringify({ schema_version: 1, env: "demo", created_at: "2026-11-22T00:00:00.000Z", updated_at: "2026-11-22T00:00:00.000Z", steps, resources: {}, nodes: {} });

describe("pxectl status before the environment is built", () => {
  it("has no cloud checks for provider: existing, and says to run init", async () => {
    const s = await status({ "pxectl.yaml": EXISTING });
    expect(s.names).toEqual(["config", "init", "ssh", "services", "http", "assets", "certificates", "grpc", "nodes"]);
    expect(s).toMatchObject({ exitCode: 1, ok: false });
    expect(s.byName.init).toEqual({ name: "init", status: "fail", detail: "there is no environment here yet", hint: "run pxectl init" });
    expect(s.byName.grpc).toEqual({ name: "grpc", status: "skip", detail: "needs init, which failed" });
  });

  it("says where an interrupted init stopped, and that running it again resumes", async () => {
    const s = await status({ "pxectl.yaml": EXISTING, ".pxectl/state.json": state({ "init/operator-key": { status: "done" }, "init/ssh": { status: "failed", error: "ssh: 192.0.2.10:22 refused the connection" } }) });
    expect(s.byName.init).toEqual({ name: "init", status: "fail", detail: 'pxectl init stopped at "ssh" (ssh: 192.0.2.10:22 refused the connection)', hint: "run pxectl init again: it resumes where it stopped" });
  });

  it("fails the init check on a damaged state file, with the state file's own hint", async () => {
    const s = await status({ "pxectl.yaml": EXISTING, ".pxectl/state.json": "{ not json" });
    expect(s.byName.init).toMatchObject({ status: "fail", detail: ".pxectl/state.json:1:11: not valid JSON" });
    expect(s.byName.init!.hint).toContain("restore it from a backup");
  });

  it("fails the config check on an invalid pxectl.yaml, located, and skips the rest", async () => {
    const s = await status({ "pxectl.yaml": "name: demo\nnetwork:\n  address: 192.168.0.0/24\n" });
    expect(s.byName.config).toMatchObject({ status: "fail", detail: "pxectl.yaml: network.address: 192.168.0.0 is the network's own address, not a host address in 192.168.0.0/24" });
    expect(Object.values(s.byName).filter((c) => c.status !== "skip").map((c) => c.name)).toEqual(["config"]);
  });
});

describe("pxectl status after an init that failed half way", () => {
  it("checks the resources and the power state recorded, instead of hiding what was billed", async () => {
    const sakura = await startTestServer();
    const api = connectClient(sakura);
    const sw = await api.switches.create({ name: "demo-switch" });
    const server = await api.servers.create({ name: "demo-host", plan: { cpu: 2, memoryMB: 4096 }, nics: ["shared", { switchId: sw.id }] });
    const disk = await api.disks.create({ name: "demo-host", plan: "ssd", sizeGB: 20, serverId: server.id });
    const pf = await api.packetFilters.create({ name: "demo-host", rules: [] });
    const resources = {
      switch: { kind: "switch", id: sw.id, name: sw.name, status: "created" },
      server: { kind: "server", id: server.id, name: server.name, status: "created" },
      disk: { kind: "disk", id: disk.id, name: disk.name, status: "created" },
      packet_filter: { kind: "packetfilter", id: pf.id, name: pf.name, status: "created" },
    };
    const steps = { "init/operator-key": { status: "done" }, "init/disk-edit": { status: "failed", error: "the disk did not become available within 10m" } };
    const files = { "pxectl.yaml": "name: demo\nsakuracloud:\n  allow_from: [203.0.113.7]\n", ".pxectl/state.json": JSON.stringify({ ...JSON.parse(state(steps)), resources }) };
    const env = { SAKURA_API_ROOT_URL: sakura.rootUrl, SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret, HOME: tempDir() };
    const s = await status(files, env);
    expect(s.byName.init).toMatchObject({ status: "fail", detail: 'pxectl init stopped at "disk-edit" (the disk did not become available within 10m)' });
    expect(s.byName.resources).toMatchObject({ status: "pass", detail: "switch, server, disk, packetfilter present" });
    expect(s.byName.power).toMatchObject({ status: "fail", detail: "the host demo-host is down", hint: "run pxectl init: it starts the host" });
  });

  it("shows what is tagged for the environment when state recorded nothing", async () => {
    const sakura = await startTestServer();
    await connectClient(sakura).switches.create({ name: "demo-switch" });
    const env = { SAKURA_API_ROOT_URL: sakura.rootUrl, SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret, HOME: tempDir() };
    const s = await status({ "pxectl.yaml": "name: demo\nsakuracloud:\n  allow_from: [203.0.113.7]\n" }, env);
    expect(s.byName.resources).toMatchObject({ status: "warn" });
    expect(s.byName.resources!.detail).toMatch(/none recorded in state, but tagged for this environment: switch demo-switch/);
  });
});

describe("pxectl status with a folder where pxectl.yaml should be", () => {
  it("fails the config check with one line and a fix, not an internal error", async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, "pxectl.yaml"));
    const r = await runCli(["status"], { cwd, clock: new FakeClock() });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("✗ config        pxectl.yaml: is a folder, not a project file\n");
    expect(r.stdout).not.toMatch(/EISDIR|bug in pxectl/);
  });
});

describe("the services check on a live host", () => {
  it("asks systemctl is-active for each unit and names the ones not running, with where to look", async () => {
    const answers: Record<string, string> = { "matchbox.service": "active", "pxectl-dnsmasq.service": "failed", "pxectl-nat.service": "" };
    // runs the check's own shell loop, with systemctl replaced by the answers above
    const host = new ScriptedHost().on(/systemctl is-active/, (command) => {
      const fake = `systemctl() { case "$2" in ${Object.entries(answers).map(([u, a]) => `${u}) echo ${a || "inactive"}; return 3;;`).join(" ")} esac; }`;
      return { stdout: execFileSync("sh", ["-c", `${fake}\n${command}`], { encoding: "utf8" }) };
    });
    const units = Object.keys(answers);
    await expect(checkServices(new Target(host), units)).rejects.toMatchObject({
      message: "pxectl-dnsmasq.service is failed, pxectl-nat.service is inactive",
      hint: "pxectl init installs and starts them again; see journalctl -u pxectl-dnsmasq.service on the host for why it stopped",
    });
    answers["pxectl-dnsmasq.service"] = answers["pxectl-nat.service"] = "active";
    expect(await checkServices(new Target(host), units)).toEqual({ status: "pass", detail: "matchbox.service, pxectl-dnsmasq.service, pxectl-nat.service active" });
  });
});
