import { readFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseProjectConfig } from "../../src/config/project";
import { ConfigError } from "../../src/core/errors";
import { executePlan, loadProfileDirectory, ownedFrom, planAgainst, renderDesired, templateVariables } from "../../src/matchbox/apply";
import { MemoryMatchbox } from "../support/memory-matchbox";
import { tempDir } from "../support/tempdir";

const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));
const project = parseProjectConfig(readFileSync(join(EXAMPLES, "pxectl.yaml"), "utf8"), "pxectl.yaml");
const variables = templateVariables(project);
const io = { fs: fsp, display: (p: string) => p, readFileSync: (p: string) => readFileSync(p) };

async function desiredOf(dir: string) {
  return renderDesired(await loadProfileDirectory(dir, io), variables);
}

async function errorsOf(files: Record<string, string>): Promise<string[]> {
  const dir = tempDir(files);
  try {
    await desiredOf(dir);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}:${p.column}: ${p.path ? p.path + ": " : ""}${p.message}`);
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("the examples", () => {
  it("render: per-group profiles where a config reads node data, content-addressed configs", async () => {
    const d = await desiredOf(join(EXAMPLES, "profiles"));
    expect([...d.profiles.keys()].sort()).toEqual(["flatcar", "flatcar-install", "flatcar-node@node1"]);
    expect(d.groups.get("node1")).toEqual({ id: "node1", name: "", profile: "flatcar-node@node1", selector: { mac: "52:54:00:a1:9c:ae", os: "installed" }, metadata: { role: "worker" } });
    const install = d.profiles.get("flatcar-install")!;
    expect(install.boot.kernel).toBe("/assets/flatcar/4593.2.5/flatcar_production_pxe.vmlinuz");
    expect(install.boot.args[1]).toBe("flatcar.config.url=http://192.168.0.1:8080/ignition?uuid=${uuid}&mac=${mac:hexhyp}");
    expect(install.ignition_id).toMatch(/^flatcar-install\.[0-9a-f]{12}\.ign$/);
    const node = d.configs.get(d.profiles.get("flatcar-node@node1")!.ignition_id)!;
    expect((node.compiled().config.storage as { files: Array<{ contents: { source: string } }> }).files[0]!.contents.source).toBe("data:,node1");
    expect(d.warnings).toEqual([]);
  });

  it("the seed article's converted profiles render too", async () => {
    const d = await desiredOf(join(EXAMPLES, "seed"));
    expect([...d.profiles.keys()].sort()).toEqual(["flatcar-install", "simple"]);
    expect([...d.groups.values()].map((g) => [g.id, g.profile, g.selector])).toEqual([["default", "flatcar-install", {}], ["node1", "simple", { os: "installed" }]]);
  });
});

describe("apply against a matchbox", () => {
  it("creates everything, then re-applies with no writes, then updates and prunes only what it owns", async () => {
    const server = new MemoryMatchbox();
    server.profiles.set("by-hand", { id: "by-hand", name: "", ignition_id: "", cloud_id: "", generic_id: "", boot: { kernel: "/k", initrd: [], args: [] } });
    const desired = await desiredOf(join(EXAMPLES, "profiles"));
    const owned = ownedFrom(undefined, "m:8081");
    const first = await planAgainst(server, desired, owned, { prune: false });
    expect(first.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([...Array(3).fill("create ignition"), ...Array(3).fill("create profile"), ...Array(3).fill("create group")]);
    expect(await executePlan(server, first, owned)).toBe(9);
    expect([...owned.profiles].sort()).toEqual(["flatcar", "flatcar-install", "flatcar-node@node1"]);

    const writes = server.writes;
    const again = await planAgainst(server, await desiredOf(join(EXAMPLES, "profiles")), owned, { prune: true });
    expect(again.changes).toEqual([]);
    expect(await executePlan(server, again, owned)).toBe(0);
    expect(server.writes).toBe(writes);

    // the installed config changes, node1 goes away: one new config, the profile switches to it, the old config is deleted
    const dir = tempDir();
    await fsp.cp(join(EXAMPLES, "profiles"), dir, { recursive: true });
    await fsp.writeFile(join(dir, "nodes.yaml"), "kind: profile\nid: spare\n");
    await fsp.appendFile(join(dir, "butane/installed.yaml"), "storage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hello\n");
    const changed = await desiredOf(dir);
    const kept = await planAgainst(server, changed, owned, { prune: false });
    expect(kept.changes.map((c) => `${c.action} ${c.kind} ${c.kind === "ignition" ? c.id.replace(/\.[0-9a-f]{12}\./, ".*.") : c.id}`)).toEqual([
      "create ignition flatcar.*.ign",
      "update profile flatcar",
      "create profile spare",
      "delete ignition flatcar.*.ign",
    ]);
    expect(kept.changes[1]!.fields!.map((f) => f.field)).toEqual(["ignition_id"]);
    const pruned = await planAgainst(server, changed, owned, { prune: true });
    expect(pruned.changes.filter((c) => c.action === "delete").map((c) => `${c.kind} ${c.kind === "ignition" ? c.id.replace(/\.[0-9a-f]{12}\./, ".*.") : c.id}`).sort()).toEqual([
      "group node1",
      "ignition flatcar-node@node1.*.ign",
      "ignition flatcar.*.ign",
      "profile flatcar-node@node1",
    ]);
    await executePlan(server, pruned, owned);
    expect([...server.profiles.keys()].sort()).toEqual(["by-hand", "flatcar", "flatcar-install", "spare"]);
    expect(server.ignition.size).toBe(2);
  });

  it("takes over an object it did not write, and says so", async () => {
    const server = new MemoryMatchbox();
    server.groups.set("installed", { id: "installed", name: "", profile: "old", selector: { os: "installed" }, metadata: {} });
    const plan = await planAgainst(server, await desiredOf(join(EXAMPLES, "profiles")), ownedFrom(undefined, "x"), { prune: true });
    expect(plan.changes.find((c) => c.id === "installed")).toMatchObject({ action: "update", kind: "group", adopt: true, fields: [{ field: "name", from: "", to: "installed machines" }, { field: "profile", from: "old", to: "flatcar" }] });
  });

  it("records what it wrote when a call fails half-way", async () => {
    const server = new MemoryMatchbox();
    server.failOn = (call) => call === "groupPut";
    const owned = ownedFrom(undefined, "x");
    const plan = await planAgainst(server, await desiredOf(join(EXAMPLES, "profiles")), owned, { prune: false });
    await expect(executePlan(server, plan, owned, { concurrency: 2 })).rejects.toThrow("injected failure in groupPut");
    expect(owned.profiles.size).toBe(3);
    expect(owned.groups.size).toBe(0);
  });
});

describe("profile directory errors are located one-liners", () => {
  const profile = "kind: profile\nid: p\n";
  it.each([
    ["a key typo", { "a.yaml": "kind: profile\nid: p\nbot:\n  kernel: /k\n" }, 'a.yaml:3:1: bot: unknown key "bot"; did you mean "boot"?'],
    ["a missing kind", { "a.yaml": "variant: flatcar\nversion: 1.1.0\n" }, "a.yaml:1:1: missing required key \"kind\" (profile or group); configs belong in a subfolder, named by a profile's config:"],
    ["a bad MAC", { "a.yaml": profile + "---\nkind: group\nid: g\nprofile: p\nselector:\n  mac: 52:54:00:zz:9c:ae\n" }, 'a.yaml:8:8: selector.mac: invalid MAC address "52:54:00:zz:9c:ae"; use 6 hex octets such as 52:54:00:a1:9c:ae (any of : - . separators)'],
    ["a duplicate selector, MACs spelled differently", { "a.yaml": profile + "---\nkind: group\nid: a\nprofile: p\nselector: {mac: 5254.00a1.9cae}\n---\nkind: group\nid: b\nprofile: p\nselector: {mac: 52-54-00-A1-9C-AE}\n" }, 'a.yaml:12:11: selector: groups "a" and "b" have the same selector {mac=52:54:00:a1:9c:ae}; matchbox would pick one of them arbitrarily'],
    ["two default groups", { "a.yaml": profile + "---\nkind: group\nid: a\nprofile: p\n---\nkind: group\nid: b\nprofile: p\n" }, 'a.yaml:9:5: id: groups "a" and "b" both have no selector (two default groups); matchbox would pick one of them arbitrarily'],
    ["an unknown profile", { "a.yaml": profile + "---\nkind: group\nid: g\nprofile: q\n" }, 'a.yaml:6:10: profile: no profile "q" is declared; did you mean "p"?'],
    ["a missing config file", { "a.yaml": profile + "config: nope.yaml\n" }, 'a.yaml:3:9: config: cannot read config file "nope.yaml" (relative to ' ],
    ["a template error in an inline config", { "a.yaml": profile + "config:\n  inline: |\n    variant: flatcar\n    version: 1.1.0\n    passwd: {{nope}}\n" }, 'a.yaml:7:15: template variable "nope" is not defined'],
    ["a Butane typo in an inline config", { "a.yaml": profile + "config:\n  inline: |\n    variant: flatcar\n    version: 1.1.0\n    passwrd: {}\n" }, 'a.yaml:7:5: passwrd: unknown key "passwrd"; did you mean "passwd"?'],
  ])("%s", async (_what, files, expected) => {
    const [first] = await errorsOf(files);
    expect(first!.slice(0, expected.length)).toBe(expected);
  });
});
