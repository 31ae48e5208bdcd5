// pxectl status without a host: which checks a provider gets, and what it says about an
// init that never ran, stopped half way, or left a damaged state file.
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/environment/checks";
import { runCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { tempDir } from "../support/tempdir";

const EXISTING = "name: demo\nprovider: existing\nhost:\n  address: 192.0.2.10\n";

async function status(files: Record<string, string>) {
  const r = await runCli(["status", "-o", "json"], { cwd: tempDir(files), clock: new FakeClock() });
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
