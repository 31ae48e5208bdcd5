// pxectl node add|list|show|remove|reinstall against the matchbox test server over mutual
// TLS: the nodes' groups are pushed by the same apply as the profile directory, and the
// iPXE answer a machine gets follows its stage.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { exampleProject, startMatchbox } from "../support/matchbox-harness";

async function ipxeFor(httpUrl: string, mac: string): Promise<string> {
  const r = await fetch(`${httpUrl}/ipxe?uuid=&mac=${mac.replace(/:/g, "-")}&domain=&hostname=&serial=&arch=x86_64`);
  return r.status === 200 ? r.text() : `HTTP ${r.status}`;
}

const state = (cwd: string) => JSON.parse(readFileSync(join(cwd, ".pxectl/state.json"), "utf8")) as { nodes: Record<string, Record<string, unknown>> };

describe("pxectl node", () => {
  it("adds a machine by MAC in any spelling, and matchbox then boots it with its install profile", async () => {
    const mb = await startMatchbox();
    const p = exampleProject(mb);
    const add = await runCli(["node", "add", "--mac", "52-54-00-BE-EF-01", "--name", "web1", "--meta", "role=web", "-o", "json"], p);
    expect(add.stderr).not.toMatch(/^error/m);
    expect(add.exitCode).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ nodes: [{ name: "web1", mac: "52:54:00:be:ef:01" }], endpoint: mb.endpoint });
    expect(state(p.cwd).nodes.web1).toMatchObject({ mac: "52:54:00:be:ef:01", stage: "declared", metadata: { role: "web" } });
    const api = await mb.api();
    expect(await api.groupGet("pxectl-node-web1")).toMatchObject({ profile: "flatcar-install", selector: { mac: "52:54:00:be:ef:01" }, metadata: { role: "web" } });
    expect(await api.groupGet("pxectl-node-web1-installed")).toMatchObject({ profile: "flatcar", selector: { mac: "52:54:00:be:ef:01", os: "installed" } });
    expect(await ipxeFor(mb.httpUrl, "52:54:00:be:ef:01")).toContain("flatcar_production_pxe.vmlinuz");

    const second = await runCli(["node", "add", "--mac", "5254.00be.ef02"], p);
    expect(second.exitCode).toBe(0);
    expect(state(p.cwd).nodes["node-1"]).toMatchObject({ mac: "52:54:00:be:ef:02" });

    const list = await runCli(["node", "list", "--no-leases", "-o", "json"], p);
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: "node-1", mac: "52:54:00:be:ef:02", stage: "declared" }, { name: "web1", stage: "declared" }]);
  });

  it.each([
    [["--mac", "52:54:00:zz:00:01"], 2, 'error: invalid MAC address "52:54:00:zz:00:01"'],
    [["--mac", "52:54:00:be:ef:01"], 2, "error: MAC 52:54:00:be:ef:01 is already node web1"],
    [["--mac", "52:54:00:be:ef:10", "--name", "web1"], 2, "error: node web1 exists already (MAC 52:54:00:be:ef:01)"],
    [["--mac", "52:54:00:be:ef:11", "--name", "Web_1"], 2, 'error: invalid node name "Web_1"'],
    [["--mac", "52:54:00:be:ef:12", "--meta", "no-equals"], 2, 'error: invalid --meta "no-equals"'],
    [["--mac", "52:54:00:be:ef:13", "--name", "n3", "--profile", "flatcar-instal"], 3, 'node n3 boots profile "flatcar-instal", which the profile directory does not declare; did you mean "flatcar-install"?'],
    [[], 2, "error: which machine? pass --mac MAC"],
  ])("refuses %j with one line and exit %i, keeping state as it was", async (args, code, message) => {
    const mb = await startMatchbox();
    const p = exampleProject(mb);
    expect((await runCli(["node", "add", "--mac", "52:54:00:be:ef:01", "--name", "web1"], p)).exitCode).toBe(0);
    const before = state(p.cwd).nodes;
    const r = await runCli(["node", "add", ...args], p);
    expect(r.exitCode).toBe(code);
    expect(r.stderr.split("\n")[0]).toContain(message);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("error")).length).toBe(1);
    expect(state(p.cwd).nodes).toEqual(before);
  });

  it("reinstall and remove move and delete its groups", async () => {
    const mb = await startMatchbox();
    const p = exampleProject(mb);
    await runCli(["node", "add", "--mac", "52:54:00:be:ef:01", "--name", "web1"], p);
    // what watch records once it sees the node installed: its install group boots the disk
    const { StateStore } = await import("../../src/config/state");
    const { systemClock } = await import("../../src/core/clock");
    const { store, release } = await StateStore.openForWrite(join(p.cwd, ".pxectl"), { clock: systemClock, command: "test", lockTimeoutMs: 0 });
    await store.update((s) => void (s.nodes.web1!.stage = "installed"));
    await release();
    expect((await runCli(["profile", "apply"], p)).exitCode).toBe(0);
    const api = await mb.api();
    expect((await api.groupGet("pxectl-node-web1")).profile).toBe("pxectl-localboot");
    expect(await ipxeFor(mb.httpUrl, "52:54:00:be:ef:01")).toBe("#!ipxe\nkernel /assets/pxectl/localboot.ipxe\nboot\n");

    const reinstall = await runCli(["node", "reinstall", "web1"], p);
    expect(reinstall.exitCode).toBe(0);
    expect(reinstall.stdout).toContain("web1 installs again with profile flatcar-install");
    expect((await api.groupGet("pxectl-node-web1")).profile).toBe("flatcar-install");

    const remove = await runCli(["node", "remove", "web1", "-o", "json"], p);
    expect(remove.exitCode).toBe(0);
    expect(JSON.parse(remove.stdout)).toMatchObject({ name: "web1", groupsDeleted: 3, serverDeleted: null });
    expect((await api.groupList()).map((g) => g.id).filter((id) => id.startsWith("pxectl-"))).toEqual([]);
    expect(state(p.cwd).nodes).toEqual({});
  });

  it("says which node a mistyped name meant", async () => {
    const mb = await startMatchbox();
    const p = exampleProject(mb);
    await runCli(["node", "add", "--mac", "52:54:00:be:ef:01", "--name", "web1"], p);
    const r = await runCli(["node", "show", "wbe1"], p);
    expect(r.exitCode).toBe(10);
    expect(r.stderr).toBe("error: no node named wbe1\nhint: did you mean web1?\n");
  });
});
