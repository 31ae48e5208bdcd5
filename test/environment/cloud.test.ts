import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProjectConfig } from "../../src/config/project";
import { StateStore } from "../../src/config/state";
import { cloudSteps, type CloudInit } from "../../src/environment/cloud";
import { runJournal } from "../../src/environment/journal";
import { type CloudTeardown, teardownSteps } from "../../src/environment/teardown";
import { createOutput } from "../../src/output/output";
import type { SakuraApi } from "../../src/sakuracloud";
import { FakeClock } from "../support/clock";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";
import { tempDir } from "../support/tempdir";

const sink = { text: "", write(s: string) { this.text += s; return true; } };
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1uJHZ7xZ3Yl4n8bVXkq1pJw2o2g3aP4cQyq4b1r2s3 operator";

async function setup(yaml = "name: demo\nsakuracloud:\n  allow_from: [203.0.113.7/32]\n") {
  const server = await startTestServer();
  const clock = new FakeClock();
  const api = connectClient(server, { clock });
  const { store, release } = await StateStore.openForWrite(join(tempDir(), ".pxectl"), { clock, command: "test", lockTimeoutMs: 0 });
  const out = createOutput({ mode: "json", stdout: sink, stderr: sink, quiet: true, verbose: false, clock });
  const config = parseProjectConfig(yaml, "pxectl.yaml");
  const signal = new AbortController().signal;
  const init = (over: Partial<CloudInit> = {}): CloudInit => ({
    api, store, config, clock, signal, sshPublicKey: PUBLIC_KEY, allowFrom: config.sakuracloud.allow_from ?? [], timing: { pollMs: 10, resendMs: 100 }, ...over,
  });
  const teardown = (): CloudTeardown => ({ api, store, clock, signal, timing: { pollMs: 10, resendMs: 100 } });
  const deps = { store, out, clock, signal };
  return { server, api, store, release, config, init, teardown, deps };
}

const kinds = (items: Array<{ kind: string }>) => items.map((i) => i.kind).sort();

describe("init's cloud steps", () => {
  it("build the switch, the two-NIC host, its disk, its packet filter, and start it", async () => {
    const t = await setup();
    const reports = await runJournal("init", cloudSteps(), t.init(), t.deps);
    expect(reports.map((r) => [r.id, r.changed])).toEqual([
      ["cloud-account", false], ["switch", true], ["server", true], ["disk", true], ["disk-edit", true], ["packet-filter", true], ["power-on", true],
    ]);
    expect(kinds(t.server.inventory())).toEqual(["disk", "interface", "interface", "packetfilter", "server", "switch"]);
    const host = await t.api.servers.get(t.store.state.resources.server!.id!);
    expect(host).toMatchObject({ name: "demo-matchbox", status: "up", tags: expect.arrayContaining(["pxectl", "pxectl-env=demo"]) });
    expect(host.nics[0]).toMatchObject({ connectedTo: "shared", packetFilterId: t.store.state.resources.packet_filter!.id });
    expect(host.nics[1]).toMatchObject({ connectedTo: t.store.state.resources.switch!.id });
    expect(t.store.state.host).toMatchObject({ public_address: host.nics[0]!.ipAddress, zone: "is1a", zone_name_servers: ["133.242.0.3", "133.242.0.4"] });
    const filter = await t.api.packetFilters.get(t.store.state.resources.packet_filter!.id!);
    expect(filter.rules.filter((r) => r.action === "allow" && r.sourceNetwork).map((r) => `${r.sourceNetwork}:${r.destinationPort}`)).toEqual(["203.0.113.7/32:22", "203.0.113.7/32:8081"]);
    const edits = t.server.requests.filter((e) => e.method === "PUT" && e.path.endsWith("/config"));
    expect(edits).toHaveLength(1);
    expect(edits[0]!.body).toMatchObject({ HostName: "demo-matchbox", DisablePWAuth: true, SSHKeys: [{ PublicKey: PUBLIC_KEY }] });
  });

  it("run again without creating or changing anything", async () => {
    const t = await setup();
    await runJournal("init", cloudSteps(), t.init(), t.deps);
    const before = t.server.requests.length;
    const again = await runJournal("init", cloudSteps(), t.init(), t.deps);
    expect(again.every((r) => !r.changed)).toBe(true);
    expect(t.server.requests.slice(before).filter((e) => e.method !== "GET")).toEqual([]);
  });

  it("find a server whose create answered but was never recorded (a crash), instead of making a second", async () => {
    const t = await setup();
    const crashing: SakuraApi = { ...t.api, servers: { ...t.api.servers, create: async (spec) => { await t.api.servers.create(spec); throw new Error("killed"); } } };
    await expect(runJournal("init", cloudSteps(), t.init({ api: crashing }), t.deps)).rejects.toThrowError("killed");
    expect(t.store.state.resources.server).toMatchObject({ id: null, status: "creating" });
    await runJournal("init", cloudSteps(), t.init(), t.deps);
    expect(kinds(t.server.inventory()).filter((k) => k === "server")).toEqual(["server"]);
    expect(t.store.state.resources.server).toMatchObject({ status: "created", id: expect.stringMatching(/^\d{12}$/) });
  });

  it("replace the packet filter when allow_from changes", async () => {
    const t = await setup();
    await runJournal("init", cloudSteps(), t.init(), t.deps);
    const old = t.store.state.resources.packet_filter!.id;
    const reports = await runJournal("init", cloudSteps(), t.init({ allowFrom: ["198.51.100.0/24"] }), t.deps);
    expect(reports.find((r) => r.id === "packet-filter")).toMatchObject({ changed: true, detail: "allows 198.51.100.0/24" });
    const now = t.store.state.resources.packet_filter!.id!;
    expect(now).not.toBe(old);
    const host = await t.api.servers.get(t.store.state.resources.server!.id!);
    expect(host.nics[0]!.packetFilterId).toBe(now);
    expect(kinds(t.server.inventory()).filter((k) => k === "packetfilter")).toHaveLength(1);
  });
});

describe("destroy's cloud steps", () => {
  it("remove everything, orphans included, and leave the account empty", async () => {
    const t = await setup();
    await runJournal("init", cloudSteps(), t.init(), t.deps);
    // a node server made by pxectl but never recorded in this state (e.g. lost in a crash)
    await t.api.servers.create({ name: "demo-node-1", plan: { cpu: 1, memoryMB: 1024 }, nics: [{ switchId: t.store.state.resources.switch!.id! }] });
    await runJournal("destroy", teardownSteps(), t.teardown(), t.deps);
    expect(t.server.inventory()).toEqual([]);
    expect(t.store.state.resources).toEqual({});
    // and destroy is idempotent
    const again = await runJournal("destroy", teardownSteps(), t.teardown(), t.deps);
    expect(again.every((r) => !r.changed)).toBe(true);
  });

  it("never delete a switch pxectl did not create", async () => {
    const t0 = await startTestServer();
    const clock = new FakeClock();
    const api = connectClient(t0, { clock, env: "other" });
    const theirs = await api.switches.create({ name: "their-switch" });
    const t = await setup(`name: demo\nsakuracloud:\n  switch_id: "${theirs.id}"\n  allow_from: [203.0.113.7]\n`);
    // the same account: point this environment's client at t0
    const mine = connectClient(t0, { clock });
    await runJournal("init", cloudSteps(), t.init({ api: mine }), t.deps);
    expect(t.store.state.resources.switch).toMatchObject({ id: theirs.id, owned: false });
    await runJournal("destroy", teardownSteps(), { ...t.teardown(), api: mine }, t.deps);
    expect(t0.inventory().map((i) => `${i.kind}:${i.name}`)).toEqual(["switch:their-switch"]);
  });
});
