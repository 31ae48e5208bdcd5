// pxectl profile apply|plan|list|get|delete|render and group list|get|delete, run as the CLI
// against the real matchbox when PXECTL_TEST_MATCHBOX names it (else the test server) over
// mutual TLS; the tests that count writes or inject faults use the test server's hook.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, type Socket, createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCa, issueClient, tlsPaths, writePair } from "../../src/pki";
import { runCli, spawnCli } from "../support/cli";
import { type TestMatchbox, exampleProject as project, startMatchbox, startTestMatchbox } from "../support/matchbox-harness";
import { tempDir } from "../support/tempdir";
import { testPki } from "../support/tls";



/** countWrites counts the Put and Delete calls the server receives. */
function countWrites(): { count: number; hook: (method: string) => void } {
  const c = { count: 0, hook: (method: string) => void (/Put$|Delete$/.test(method) && c.count++) };
  return c;
}

describe("pxectl profile apply", () => {
  it("creates everything, then writes nothing when re-applied, and plan agrees", async () => {
    const writes = countWrites();
    const mb = await startTestMatchbox({ rpcHook: writes.hook });
    const p = project(mb);
    const first = await runCli(["profile", "apply"], p);
    expect(first.exitCode).toBe(0);
    expect(first.stderr).toMatch(/^Plan: 9 to create, 0 to update, 0 to delete \(0 unchanged\)\n/);
    expect(first.stdout).toBe(`✓ applied to matchbox at ${mb.endpoint}: 9 created, 0 updated, 0 deleted (0 unchanged)\n`);
    expect(writes.count).toBe(9);
    expect(existsSync(join(p.cwd, ".pxectl/cache/ignition.json"))).toBe(true);

    const again = await runCli(["profile", "apply", "-o", "json"], p);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ endpoint: mb.endpoint, writes: 0, changes: [], summary: { unchanged: 9 } });
    expect(writes.count).toBe(9);
    const plan = await runCli(["profile", "plan"], p);
    expect(plan.stdout).toBe("✓ no changes: matchbox already matches (9 objects unchanged)\n");

    const state = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8"));
    expect(state.apply[mb.endpoint].groups).toEqual(["install", "installed", "node1"]);
  });

  it("updates what changed, and with --prune deletes only what it wrote, after a confirmation", async () => {
    const writes = countWrites();
    const mb = await startTestMatchbox({ rpcHook: writes.hook });
    const p = project(mb);
    expect((await runCli(["profile", "apply"], p)).exitCode).toBe(0);
    const api = await mb.api();
    await api.groupPut({ id: "by-hand", name: "", profile: "flatcar", selector: { os: "other" }, metadata: {} });
    rmSync(join(p.cwd, "profiles/nodes.yaml"));
    writeFileSync(join(p.cwd, "profiles/butane/installed.yaml"), readFileSync(join(p.cwd, "profiles/butane/installed.yaml"), "utf8") + "storage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hello\n");
    writes.count = 0;

    const plan = await runCli(["profile", "plan", "--prune", "-o", "json"], p);
    const changes = (JSON.parse(plan.stdout) as { changes: Array<{ action: string; kind: string; id: string }> }).changes.map((c) => `${c.action} ${c.kind} ${c.id.replace(/\.[0-9a-f]{12}\./, ".*.")}`);
    expect(changes).toEqual(["create ignition flatcar.*.ign", "update profile flatcar", "delete group node1", "delete profile flatcar-node@node1", "delete ignition flatcar-node@node1.*.ign", "delete ignition flatcar.*.ign"]);

    const refused = await runCli(["profile", "apply", "--prune"], p);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`error: refusing to continue without confirmation: delete 2 objects from matchbox at ${mb.endpoint}?\nhint: pass --yes to confirm\n`);
    expect(writes.count).toBe(0);

    const pruned = await runCli(["profile", "apply", "--prune", "--yes"], p);
    expect(pruned.exitCode).toBe(0);
    expect(pruned.stdout).toBe(`✓ applied to matchbox at ${mb.endpoint}: 1 created, 1 updated, 4 deleted (4 unchanged)\n`);
    expect(writes.count).toBe(6);
    expect((await api.groupList()).map((g) => g.id).sort()).toEqual(["by-hand", "install", "installed"]);
    expect((await runCli(["profile", "apply", "--prune"], p)).stdout).toMatch(/^✓ no changes/);
  });

  it("finishes an apply that a matchbox restart cut short", async () => {
    let puts = 0;
    let restarted: Promise<void> | undefined;
    const mb: TestMatchbox = await startTestMatchbox({
      rpcHook: (method) => {
        if (method.endsWith("Put") && ++puts === 5) restarted = mb.restart();
      },
    });
    const p = project(mb);
    const cut = await runCli(["profile", "apply", "--concurrency", "2"], p);
    await restarted;
    expect(cut.exitCode).toBe(6);
    expect(cut.stderr).toMatch(new RegExp(`error: (cannot reach|matchbox at) .*${mb.endpoint.replace(/\./g, "\\.")}`));
    expect(cut.stderr).toMatch(/warning: \d of 9 changes were applied and are recorded; run the same command again to finish/);
    const recorded = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")).apply[mb.endpoint];
    expect(recorded.ignition.length).toBeGreaterThan(0);

    const finished = await runCli(["profile", "apply"], p);
    expect(finished.exitCode).toBe(0);
    expect(finished.stdout).toMatch(/0 updated, 0 deleted \([1-8] unchanged\)\n$/);
    const api = await mb.api();
    expect((await api.groupList()).map((g) => g.id)).toEqual(["install", "installed", "node1"]);
    expect((await runCli(["profile", "apply"], p)).stdout).toBe("✓ no changes: matchbox already matches (9 objects unchanged)\n");
  });
});

describe("pxectl profile apply with a problem in the directory", () => {
  it("reports it without connecting to a matchbox it never wrote to, which might never answer", async () => {
    const mb = await startTestMatchbox();
    const p = project(mb);
    // a server that accepts connections and never answers: a listing started early would wait on it
    const connections: Socket[] = [];
    const silent = createServer((socket) => void connections.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      writeFileSync(join(p.cwd, "profiles/extra.yaml"), "kind: profile\nid: extra\nboot:\n  kernel: /k/{{nosuch}}\n");
      const run = await runCli(["profile", "apply", "--endpoint", `127.0.0.1:${(silent.address() as AddressInfo).port}`], p);
      expect(run.exitCode).toBe(3);
      expect(run.stderr).toMatch(/^error: .*profiles\/extra\.yaml:4:16: template variable "nosuch" is not defined\n/);
      expect(connections).toHaveLength(0);
    } finally {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("pxectl profile and group list|get|delete", () => {
  it("show what matchbox holds and whether pxectl wrote it, and delete after a confirmation", async () => {
    const mb = await startMatchbox();
    const p = project(mb);
    await runCli(["profile", "apply"], p);
    const api = await mb.api();
    await api.profilePut({ id: "by-hand", name: "", ignition_id: "", cloud_id: "", generic_id: "", boot: { kernel: "/k", initrd: [], args: [] } });

    const profiles = JSON.parse((await runCli(["profile", "list", "-o", "json"], p)).stdout) as Array<{ id: string; pxectl: boolean }>;
    expect(profiles.map((r) => `${r.id} ${r.pxectl}`)).toEqual(["by-hand false", "flatcar-install true", "flatcar-node@node1 true", "flatcar true"]);
    const groups = await runCli(["group", "list"], p);
    expect(groups.stdout.split("\n").map((l) => l.split(/\s{2,}/)[0])).toEqual(["ID", "node1", "installed", "install", ""]);
    expect(JSON.parse((await runCli(["group", "get", "node1", "-o", "json"], p)).stdout)).toEqual({ id: "node1", name: "", profile: "flatcar-node@node1", selector: { mac: "52:54:00:a1:9c:ae", os: "installed" }, metadata: { role: "worker" }, pxectl: true });
    expect((await runCli(["profile", "get", "flatcar-install"], p)).stdout).toMatch(/^id: +flatcar-install\nname: +Flatcar install to disk\nkernel: +\/assets\/flatcar\/4593\.2\.5\/flatcar_production_pxe\.vmlinuz\n/);
    const config = JSON.parse((await runCli(["profile", "get", "flatcar-install", "--ignition"], p)).stdout);
    expect(config.ignition.version).toBe("3.4.0");

    const busy = await runCli(["profile", "delete", "flatcar", "--yes"], p);
    expect(busy).toMatchObject({ exitCode: 2, stderr: 'error: group "installed" (profile flatcar) still uses this profile\nhint: delete or change it first (pxectl group delete installed), or pass --force\n' });
    expect((await runCli(["group", "delete", "installed"], p)).exitCode).toBe(2); // no terminal, no --yes
    expect((await runCli(["group", "delete", "instaled", "--yes"], p)).stderr).toBe(`error: group "instaled" does not exist on matchbox at ${mb.endpoint}; did you mean "installed"?\nhint: pxectl group list shows what matchbox holds\n`);
    expect((await runCli(["group", "delete", "installed", "--yes"], p)).stdout).toBe(`✓ deleted group installed from matchbox at ${mb.endpoint}\n`);
    const deleted = await runCli(["profile", "delete", "flatcar", "--yes"], p);
    expect(deleted.stdout).toMatch(new RegExp(`^✓ deleted profile flatcar and Ignition config flatcar\\.[0-9a-f]{12}\\.ign from matchbox at ${mb.endpoint.replace(/\./g, "\\.")}\n$`));
    const state = JSON.parse(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8")).apply[mb.endpoint];
    expect(state.profiles).toEqual(["flatcar-install", "flatcar-node@node1"]);
    expect(state.groups).toEqual(["install", "node1"]);
    expect((await runCli(["profile", "get", "flatcar"], p))).toMatchObject({ exitCode: 10, stderr: `error: profile "flatcar" does not exist on matchbox at ${mb.endpoint}\nhint: pxectl profile list shows what matchbox holds\n` });
  });
});

describe("client certificates", () => {
  it.each(["expired", "foreign"])("an %s client certificate is a one-line error and exit code 11, before any connection", async (kind) => {
    const writes = countWrites();
    const mb = await startTestMatchbox({ rpcHook: writes.hook });
    const p = project(mb);
    const tls = tlsPaths(join(p.cwd, ".pxectl/tls"));
    if (kind === "expired") {
      const ca = { certPem: readFileSync(tls.ca.cert, "utf8"), keyPem: readFileSync(tls.ca.key, "utf8") };
      await writePair(tls, "client", issueClient(ca, { commonName: "old", validityDays: 1, now: new Date("2020-01-01T00:00:00Z") }));
    } else {
      const other = createCa({ commonName: "someone else", validityDays: 30, now: new Date() });
      await writePair(tls, "client", issueClient(other, { commonName: "stranger", validityDays: 30, now: new Date() }));
    }
    const message = kind === "expired" ? "error: .pxectl/tls/client.crt expired on 2020-01-02" : "error: .pxectl/tls/client.crt was not issued by this project's CA";
    for (const run of [runCli, spawnCli]) {
      const r = await run(["profile", "apply"], p);
      expect(r.exitCode).toBe(11);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`${message}\nhint: re-issue it: pxectl cert rotate --client\n`);
    }
    expect(writes.count).toBe(0);
  });

  it("reads the endpoint and files from flags before the environment", async () => {
    const mb = await startMatchbox();
    const p = project(mb);
    const elsewhere = tempDir();
    mkdirSync(join(elsewhere, "tls"));
    cpSync((await testPki()).dir, join(elsewhere, "tls"), { recursive: true });
    rmSync(join(p.cwd, ".pxectl/tls"), { recursive: true });
    const files = ["--ca-file", join(elsewhere, "tls/ca.crt"), "--cert-file", join(elsewhere, "tls/client.crt"), "--key-file", join(elsewhere, "tls/client.key")];
    const r = await runCli(["group", "list", "--endpoint", mb.endpoint, ...files], { cwd: p.cwd, env: { PXECTL_MATCHBOX_ENDPOINT: "127.0.0.1:1" } });
    expect(r).toMatchObject({ exitCode: 0, stdout: `no groups on matchbox at ${mb.endpoint}\n` });
    const missing = await runCli(["group", "list"], p);
    expect(missing).toMatchObject({ exitCode: 11, stderr: "error: .pxectl/tls/ca.crt, .pxectl/tls/client.crt and .pxectl/tls/client.key are missing\nhint: pxectl init (pxectl lab up in a lab) creates the certificates in .pxectl/tls/; elsewhere, pass --ca-file, --cert-file and --key-file\n" });
    const noEndpoint = await runCli(["group", "list"], { cwd: p.cwd });
    expect(noEndpoint).toMatchObject({ exitCode: 2, stderr: "error: no matchbox endpoint is known\nhint: pass --endpoint host:port or set PXECTL_MATCHBOX_ENDPOINT; pxectl init (pxectl lab up in a lab) records it for its own host (profile plan --offline and profile render need none)\n" });
    const scheme = await runCli(["group", "list", "--endpoint", "https://matchbox:8081"], p);
    expect(scheme.stderr).toBe('error: --endpoint: matchbox endpoint "https://matchbox:8081" must be host:port, without a scheme\nhint: write it as host:port, e.g. 192.168.0.1:8081 or matchbox.example.com:8081\n');
  });
});
