// node add --create checks what it can before the first server is billed: a project that
// could not push its nodes, or a size the zone does not offer, makes no server at all.
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { StateStore } from "../../src/config/state";
import { ensureTls, tlsPaths } from "../../src/pki";
import { FakeClock } from "../support/clock";
import { runCli } from "../support/cli";
import { startTestMatchbox } from "../support/matchbox-harness";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";
import { tempDir } from "../support/tempdir";

const PROFILES = "kind: profile\nid: flatcar-install\nboot:\n  kernel: /k\n---\nkind: profile\nid: flatcar\nboot:\n  kernel: /k\n";

/** project is an initialised SakuraCloud project (a switch in state, TLS files) with the given files. */
async function project(files: Record<string, string>) {
  const sakura = await startTestServer();
  const sw = await connectClient(sakura).switches.create({ name: "demo-switch" });
  const cwd = tempDir({ "pxectl.yaml": "name: demo\nsakuracloud:\n  allow_from: [203.0.113.7]\n", ...files });
  const clock = new FakeClock(Date.now());
  const { store, release } = await StateStore.openForWrite(join(cwd, ".pxectl"), { clock, command: "test", lockTimeoutMs: 0 });
  await store.update((s) => {
    s.env = "demo";
    s.resources.switch = { kind: "switch", id: sw.id, name: sw.name, status: "created" };
  });
  await release();
  const tls = tlsPaths(join(cwd, ".pxectl/tls"));
  await ensureTls(tls, { env: "demo", serverSans: ["127.0.0.1"], validityDays: 30, now: new Date() });
  const env = { SAKURA_API_ROOT_URL: sakura.rootUrl, SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret };
  const billed = () => sakura.store.created().filter((r) => r.kind === "server" || r.kind === "disk").map((r) => `${r.kind} ${r.name}`);
  const add = (extra: string[], more: NodeJS.ProcessEnv = {}) =>
    runCli(["node", "add", "--create", "--count", "3", "--no-power-on", ...extra], { cwd, env: { ...env, ...more }, clock: new FakeClock(Date.now()) });
  return { cwd, tls, add, billed };
}

/** closedPort is a loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("pxectl node add --create, before billing", () => {
  it("with no profile directory makes no server, says why, and the same on a second run", async () => {
    const p = await project({});
    const mb = await startTestMatchbox({ pki: p.tls, logLevel: "error" });
    onTestFinished(() => mb.stop());
    for (let run = 0; run < 2; run++) {
      const r = await p.add([], { PXECTL_MATCHBOX_ENDPOINT: mb.endpoint });
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/no server was created/);
      expect(r.stderr).toMatch(/profile/);
      expect(p.billed()).toEqual([]);
    }
  });

  it("with no matchbox endpoint known makes no server and says how to give one", async () => {
    const p = await project({ "profiles/boot.yaml": PROFILES });
    const r = await p.add([]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/no server was created/);
    expect(r.stderr).toMatch(/no matchbox endpoint is known/);
    expect(p.billed()).toEqual([]);
  });

  it("with a matchbox that does not answer makes no server", async () => {
    const p = await project({ "profiles/boot.yaml": PROFILES });
    const r = await p.add([], { PXECTL_MATCHBOX_ENDPOINT: `127.0.0.1:${await closedPort()}` });
    expect(r.exitCode, r.stderr).not.toBe(0);
    expect(r.exitCode).not.toBe(70);
    expect(r.stderr).toMatch(/no server was created/);
    expect(p.billed()).toEqual([]);
  }, 120_000);

  it("with a profile the nodes would boot missing makes no server", async () => {
    const p = await project({ "profiles/boot.yaml": PROFILES });
    const mb = await startTestMatchbox({ pki: p.tls, logLevel: "error" });
    onTestFinished(() => mb.stop());
    const r = await p.add(["--profile", "fedora-install"], { PXECTL_MATCHBOX_ENDPOINT: mb.endpoint });
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/fedora-install/);
    expect(p.billed()).toEqual([]);
  });

  it("with a size the zone does not offer makes no server", async () => {
    const p = await project({ "profiles/boot.yaml": PROFILES });
    const mb = await startTestMatchbox({ pki: p.tls, logLevel: "error" });
    onTestFinished(() => mb.stop());
    const r = await p.add(["--core", "97"], { PXECTL_MATCHBOX_ENDPOINT: mb.endpoint });
    expect(r.exitCode, r.stderr).toBe(10);
    expect(r.stderr).toMatch(/no standard server plan with 97 cores/);
    expect(p.billed()).toEqual([]);
  });

  it("with everything in order makes the servers", async () => {
    const p = await project({ "profiles/boot.yaml": PROFILES });
    const mb = await startTestMatchbox({ pki: p.tls, logLevel: "error" });
    onTestFinished(() => mb.stop());
    const r = await p.add([], { PXECTL_MATCHBOX_ENDPOINT: mb.endpoint });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(p.billed().filter((b) => b.startsWith("server")).sort()).toEqual(["server demo-node-1", "server demo-node-2", "server demo-node-3"]);
  });
});
