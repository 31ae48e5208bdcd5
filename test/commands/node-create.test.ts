// node add --create cut short and run again: the second run finishes the first one's list
// (the same names, the servers already made found again) instead of making as many more.
import { readFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { StateStore } from "../../src/config/state";
import type { FileSystem } from "../../src/config/files";
import { ensureTls, tlsPaths } from "../../src/pki";
import { FakeClock } from "../support/clock";
import { runCli } from "../support/cli";
import { startMatchbox } from "../support/matchbox-harness";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";
import { tempDir } from "../support/tempdir";

interface StateFile {
  nodes: Record<string, { mac: string; cloud_id?: string }>;
  node_creation?: { names: string[] } | null;
}

async function project() {
  const sakura = await startTestServer();
  const api = connectClient(sakura);
  const sw = await api.switches.create({ name: "demo-switch" });
  const cwd = tempDir({
    "pxectl.yaml": "name: demo\nsakuracloud:\n  allow_from: [203.0.113.7]\n",
    // the two profiles node groups name by default
    "profiles/boot.yaml": "kind: profile\nid: flatcar-install\nboot:\n  kernel: /k\n---\nkind: profile\nid: flatcar\nboot:\n  kernel: /k\n",
  });
  const clock = new FakeClock(Date.now());
  const { store, release } = await StateStore.openForWrite(join(cwd, ".pxectl"), { clock, command: "test", lockTimeoutMs: 0 });
  await store.update((s) => {
    s.env = "demo";
    s.resources.switch = { kind: "switch", id: sw.id, name: sw.name, status: "created" };
  });
  await release();
  const tls = tlsPaths(join(cwd, ".pxectl/tls"));
  await ensureTls(tls, { env: "demo", serverSans: ["127.0.0.1"], validityDays: 30, now: new Date() });
  const mb = await startMatchbox({ pki: tls, logLevel: "error" });
  onTestFinished(() => mb.stop());
  const env = { SAKURA_API_ROOT_URL: sakura.rootUrl, SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret, PXECTL_MATCHBOX_ENDPOINT: mb.endpoint };
  const state = () => JSON.parse(readFileSync(join(cwd, ".pxectl/state.json"), "utf8")) as StateFile;
  const nodeServers = () => sakura.store.created().filter((r) => r.kind === "server").map((r) => r.name).sort();
  return { sakura, mb, cwd, env, state, nodeServers };
}

/** interruptAtFirstNode is a file system that presses Ctrl-C as soon as state records a node's server. */
function interruptAtFirstNode(controller: AbortController): FileSystem {
  return {
    ...fsp,
    rename: async (from, to) => {
      await fsp.rename(from, to);
      if (String(to).endsWith("state.json")) {
        const s = JSON.parse(await fsp.readFile(to, "utf8")) as StateFile;
        if (Object.values(s.nodes).some((n) => n.cloud_id)) controller.abort();
      }
    },
  };
}

describe("pxectl node add --create, cut short", () => {
  it("is finished by the next run: the same names, no extra servers; other nodes skip the names it holds", async () => {
    const p = await project();
    const argv = ["node", "add", "--create", "--count", "3", "--no-power-on", "-o", "json"];

    // two of the three disks take long: the third node is recorded first, and the cut comes then
    p.sakura.script({ fault: "slow", delayMs: 1500, method: "POST", path: "disk", times: 2 });
    const controller = new AbortController();
    const first = await runCli(argv, { cwd: p.cwd, env: p.env, clock: new FakeClock(Date.now()), signal: controller.signal, fs: interruptAtFirstNode(controller) });
    expect(first.exitCode).not.toBe(0);
    const cut = p.state();
    expect(cut.node_creation?.names).toEqual(["node-1", "node-2", "node-3"]);
    expect(Object.keys(cut.nodes)).toEqual(["node-3"]);
    expect(p.nodeServers()).toEqual(["demo-node-1", "demo-node-2", "demo-node-3"]); // two made, not yet recorded

    // a machine registered meanwhile does not take a name the cut-short run will use
    const byMac = await runCli(["node", "add", "--mac", "52-54-00-12-34-56", "-o", "json"], { cwd: p.cwd, env: p.env, clock: new FakeClock(Date.now()) });
    expect(byMac.exitCode, byMac.stderr + byMac.stdout).toBe(0);
    expect((JSON.parse(byMac.stdout) as { nodes: Array<{ name: string }> }).nodes.map((n) => n.name)).toEqual(["node-4"]);
    const taken = await runCli(["node", "add", "--mac", "52:54:00:12:34:57", "--name", "node-2"], { cwd: p.cwd, env: p.env, clock: new FakeClock(Date.now()) });
    expect(taken.exitCode).not.toBe(0);
    expect(taken.stderr).toMatch(/node node-2 is being made by a node add --create that was cut short/);

    const second = await runCli(argv, { cwd: p.cwd, env: p.env, clock: new FakeClock(Date.now()) });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/an earlier node add --create was cut short: finishing it \(node-1, node-2, node-3; \d already made\)/);
    expect((JSON.parse(second.stdout) as { nodes: Array<{ name: string }> }).nodes.map((n) => n.name).sort()).toEqual(["node-1", "node-2", "node-3"]);
    expect(p.nodeServers()).toEqual(["demo-node-1", "demo-node-2", "demo-node-3"]);
    const disks = p.sakura.store.created().filter((r) => r.kind === "disk");
    expect(disks.map((d) => d.name).sort()).toEqual(["demo-node-1", "demo-node-2", "demo-node-3"]);
    const done = p.state();
    expect(done.node_creation ?? null).toBeNull();
    expect(Object.keys(done.nodes).sort()).toEqual(["node-1", "node-2", "node-3", "node-4"]);
    const groups = (await (await p.mb.api()).groupList()).map((g) => g.id);
    for (const n of ["node-1", "node-2", "node-3", "node-4"]) expect(groups).toContain(`pxectl-node-${n}`);

    // finished: the next run makes new servers again
    const third = await runCli(["node", "add", "--create", "--count", "1", "--no-power-on", "-o", "json"], { cwd: p.cwd, env: p.env, clock: new FakeClock(Date.now()) });
    expect(third.exitCode, third.stderr).toBe(0);
    expect(third.stderr).not.toMatch(/cut short/);
    expect(p.nodeServers()).toEqual(["demo-node-1", "demo-node-2", "demo-node-3", "demo-node-5"]);
  }, 60_000);
});
