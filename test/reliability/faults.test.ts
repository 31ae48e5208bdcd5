// Faults: the SakuraCloud test server answers 10% of requests 503 busy or 423 locked,
// drops a few connections (before or after doing the work) and adds latency, through a whole
// init and destroy; SSH connections to the host are cut during init, in the middle of the
// install; the matchbox test server restarts in the middle of a profile apply.
// Every command finishes, or fails with one clear line and a state the next run resumes.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseState } from "../../src/config/state";
import { type CliRun, runCli } from "../support/cli";
import { FakeClock } from "../support/clock";
import { type TestHost, startTestHost, testProject } from "../support/environment";
import { type TestMatchbox, exampleProject, startTestMatchbox } from "../support/matchbox-harness";
import { STACK_TRACE, oneLineErrorProblems } from "../support/outcome";
import { startSakuraTestServer } from "../support/sakuracloud";
import { mulberry32 } from "../support/sakuracloud/faults";
import { TcpProxy } from "../support/tcp-proxy";

const SEED = Number(process.env.PXECTL_FAULTS_SEED ?? 3);
const SSH_CUTS = 6;
const tally = { commands: 0, failures: 0, faulted: 0 };

let lab: TestHost;

beforeAll(async () => {
  lab = await startTestHost();
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  if (tally.commands > 0) process.stderr.write(`faults: ${tally.commands} commands run, ${tally.failures} failed and were resumed, ${tally.faulted} requests faulted\n`);
});

/** untilDone runs a command until it succeeds (at most tries times); every failure must be a clean one. */
async function untilDone(run: () => Promise<CliRun>, stateFile: string | undefined, tries = 6): Promise<CliRun> {
  for (let i = 1; ; i++) {
    const r = await run();
    tally.commands++;
    if (r.exitCode === 0) return r;
    tally.failures++;
    expect(oneLineErrorProblems(r.stderr.slice(r.stderr.lastIndexOf("error: "))), r.stderr).toEqual([]);
    expect(r.exitCode, r.stderr).not.toBe(70);
    expect(STACK_TRACE.test(r.stderr), r.stderr).toBe(false);
    if (stateFile) parseState(readFileSync(stateFile, "utf8"), "state.json"); // resumable: it loads
    if (i >= tries) throw new Error(`still failing after ${tries} runs:\n${r.stderr}`);
  }
}

describe("faults", () => {
  it("init and destroy get through busy, locked, dropped and slow SakuraCloud answers", async () => {
    const sakura = await startSakuraTestServer({ faults: { busy: 0.07, locked: 0.03, dropBefore: 0.01, dropAfter: 0.01, latencyMs: 1, latencyJitterMs: 10, seed: SEED } });
    try {
      const p = testProject(lab, sakura);
      const stateFile = join(p.cwd, ".pxectl/state.json");
      await untilDone(() => p.init({ clock: new FakeClock() }), stateFile);
      const again = await untilDone(() => p.init({ clock: new FakeClock() }), stateFile);
      expect((JSON.parse(again.stdout) as { steps: Array<{ changed: boolean; id: string }> }).steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);
      expect(sakura.inventory().map((i) => i.kind).sort()).toEqual(["disk", "interface", "interface", "packetfilter", "server", "switch"]);
      await untilDone(() => runCli(["destroy", "--yes"], { cwd: p.cwd, env: p.env, clock: new FakeClock() }), stateFile);
      expect(sakura.inventory()).toEqual([]);
      tally.faulted += sakura.requests.filter((r) => r.fault).length;
      expect(sakura.requests.filter((r) => r.fault).length).toBeGreaterThan(0);
    } finally {
      await sakura.close();
    }
  }, 180_000);

  it("init gets through SSH connections cut in the middle of the install", async () => {
    const sakura = await startSakuraTestServer();
    const proxy = await TcpProxy.start(22, lab.net.address);
    const random = mulberry32(SEED);
    let cuts = 0;
    // the first few connections are cut after 0.3-1.5 s each, wherever init is then
    proxy.onConnection = (n) => {
      if (n > SSH_CUTS) return;
      setTimeout(() => {
        cuts++;
        proxy.cut();
      }, 300 + random() * 1200);
    };
    try {
      const p = testProject(lab, sakura, { ssh: { address: "127.0.0.1", port: proxy.port } });
      const stateFile = join(p.cwd, ".pxectl/state.json");
      // as people run it (errors as "error: ..." lines), until it is done
      const initArgv = p.initArgv.filter((a, i, all) => a !== "-o" && all[i - 1] !== "-o");
      await untilDone(() => p.pxectl(initArgv, { clock: new FakeClock() }), stateFile, 10);
      expect(cuts).toBe(SSH_CUTS);
      // commands and uploads cut short were run again on a new connection
      const logs = readdirSync(join(p.cwd, ".pxectl/logs")).map((f) => readFileSync(join(p.cwd, ".pxectl/logs", f), "utf8")).join("\n");
      const rerun = logs.split("\n").filter((l) => /connection dropped (during|while uploading)/.test(l));
      expect(rerun.length).toBeGreaterThan(0);
      // the same host as an uncut init: a further run changes nothing, and the files are in place
      const again = await untilDone(() => p.init({ clock: new FakeClock() }), stateFile);
      expect((JSON.parse(again.stdout) as { steps: Array<{ changed: boolean; id: string }> }).steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);
      expect(readFileSync(join(p.root, "etc/pxectl/dnsmasq.conf"), "utf8")).toContain("interface=ens4");
      expect(readFileSync(join(p.root, "etc/matchbox/server.crt"), "utf8")).toBe(readFileSync(join(p.cwd, ".pxectl/tls/server.crt"), "utf8"));
      process.stderr.write(`faults: ${cuts} SSH cuts, ${rerun.length} commands run again on a new connection\n`);
    } finally {
      await proxy.close();
      await sakura.close();
    }
  }, 180_000);

  it("profile apply cut short by a matchbox restart is finished by the next run", async () => {
    let puts = 0;
    let restarted: Promise<void> | undefined;
    const mb: TestMatchbox = await startTestMatchbox({
      rpcHook: (method) => {
        if (method.endsWith("Put") && ++puts === 4) restarted = mb.restart();
      },
    });
    const p = exampleProject(mb);
    const failedBefore = tally.failures;
    await untilDone(async () => {
      const r = await runCli(["profile", "apply", "--concurrency", "2"], p);
      await restarted;
      return r;
    }, join(p.cwd, ".pxectl/state.json"));
    expect(tally.failures).toBeGreaterThan(failedBefore); // the restart did cut one run short
    expect((await runCli(["profile", "apply"], p)).stdout).toBe("✓ no changes: matchbox already matches (9 objects unchanged)\n");
    tally.commands++;
  });
});
