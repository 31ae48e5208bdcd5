// Crash and resume: real pxectl processes (the bundle) killed with SIGKILL at seeded random
// moments, then run again until they succeed: init (SakuraCloud test server, real sshd,
// installer under --root), node add --create, destroy. Kills happen in a chain within one
// environment (each run resumes from what the killed one left), PXECTL_CRASH_POINTS kills
// per command (default 50). Time runs PXECTL_TEST_TIME_SCALE times faster in the children
// (test/support/children/time-scale.mjs), so cloud polling does not dominate.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseState } from "../../src/config/state";
import { tlsPaths } from "../../src/pki";
import { BUNDLE, type CliRun, startCli } from "../support/cli";
import { type TestHost, startTestHost, testProject } from "../support/environment";
import { startTestMatchbox } from "../support/matchbox-harness";
import { type SakuraTestServer, startSakuraTestServer } from "../support/sakuracloud";
import { mulberry32 } from "../support/sakuracloud/faults";

const POINTS = Number(process.env.PXECTL_CRASH_POINTS ?? 50);
const SEED = Number(process.env.PXECTL_CRASH_SEED ?? 8);
const PRELOAD = fileURLToPath(new URL("../support/children/time-scale.mjs", import.meta.url));
const COMMAND = [process.execPath, "--import", PRELOAD, BUNDLE];
const PROFILES = "kind: profile\nid: flatcar-install\nboot:\n  kernel: /k\n---\nkind: profile\nid: flatcar\nboot:\n  kernel: /k\n";

let lab: TestHost;

beforeAll(async () => {
  lab = await startTestHost();
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

interface Tally {
  kills: number;
  resumes: number;
}

/**
 * killChain runs argv, killing it after a random delay in [0, maxDelayMs) while kills are
 * wanted, and runs it again after each kill; it returns the run that finished by itself.
 * completed says, after a kill, whether the killed run had finished its work already (the
 * kill came between its last write and its exit): running it again would do it twice.
 */
async function killChain(
  argv: string[],
  o: { cwd: string; env: NodeJS.ProcessEnv; random: () => number; maxDelayMs: number; wanted: number; tally: Tally; completed?: () => boolean },
): Promise<CliRun> {
  for (let attempt = 0; ; attempt++) {
    const run = startCli(argv, { cwd: o.cwd, env: o.env, command: COMMAND });
    if (o.tally.kills < o.wanted) {
      const delay = o.random() * o.maxDelayMs;
      const finished = await Promise.race([run.result.then(() => true), sleep(delay).then(() => false)]);
      if (!finished) {
        run.kill("SIGKILL");
        const killed = await run.result;
        o.tally.kills++;
        if (o.completed?.()) return killed;
        o.tally.resumes++; // the next run resumes
        continue;
      }
    }
    const r = await run.result;
    if (r.exitCode !== 0) throw new Error(`pxectl ${argv.join(" ")} failed after ${attempt} kills (exit ${r.exitCode}):\n${r.stderr}`);
    return r;
  }
}

/** orphans lists what the cloud holds that state does not know, and what state records that the cloud lost. */
function orphans(sakura: SakuraTestServer, cwd: string): string[] {
  const state = parseState(readFileSync(join(cwd, ".pxectl/state.json"), "utf8"), "state.json");
  const recorded = new Set([...Object.values(state.resources).map((r) => r.id), ...Object.values(state.nodes).map((n) => n.cloud_id as string | undefined)]);
  const made = sakura.store.created();
  const servers = made.filter((r) => r.kind === "server");
  const found: string[] = [];
  for (const s of servers) if (!recorded.has(s.id)) found.push(`server ${s.name} (${s.id}) is not in state`);
  for (const id of recorded) if (id && !made.some((r) => r.id === id)) found.push(`state records ${id}, which the cloud does not have`);
  // every server has exactly its disk; no disk is loose
  for (const d of made.filter((r) => r.kind === "disk")) if (!d.serverId || !servers.some((s) => s.id === d.serverId)) found.push(`disk ${d.name} (${d.id}) is loose`);
  return found;
}

describe("crash and resume", () => {
  it(`init, node add --create and destroy killed at ${POINTS} points each reach the same end state`, async () => {
    const random = mulberry32(SEED);
    const tallies = { init: { kills: 0, resumes: 0 }, add: { kills: 0, resumes: 0 }, destroy: { kills: 0, resumes: 0 } };
    let orphanCount = 0;
    for (let chain = 0; chain < 3 && Object.values(tallies).some((t) => t.kills < POINTS); chain++) {
      // a test server per chain: its first server gets the MAC the lab's host NIC has
      const sakura = await startSakuraTestServer();
      try {
        const p = testProject(lab, sakura, { extraSans: ["127.0.0.1"] });
        const env = { ...p.env, PXECTL_TEST_TIME_SCALE: "20" };
        mkdirSync(join(p.cwd, "profiles"));
        writeFileSync(join(p.cwd, "profiles/boot.yaml"), PROFILES);

        // init: the same environment as a run never killed, and a further run changes nothing
        await killChain(p.initArgv, { cwd: p.cwd, env, random, maxDelayMs: 1000, wanted: POINTS, tally: tallies.init });
        const again = await killChain(p.initArgv, { cwd: p.cwd, env, random, maxDelayMs: 0, wanted: 0, tally: tallies.init });
        expect((JSON.parse(again.stdout) as { steps: Array<{ id: string; changed: boolean }> }).steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);
        expect(sakura.inventory().map((i) => i.kind).sort()).toEqual(["disk", "interface", "interface", "packetfilter", "server", "switch"]);
        expect(orphans(sakura, p.cwd)).toEqual([]);

        // node add --create: every server made is recorded, and pushed to matchbox
        const mb = await startTestMatchbox({ pki: tlsPaths(join(p.cwd, ".pxectl/tls")), logLevel: "error" });
        const nodeEnv = { ...env, PXECTL_MATCHBOX_ENDPOINT: mb.endpoint };
        // enough nodes that destroy has work to be killed in
        let adds = 0;
        const recorded = () => parseState(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8"), "state.json");
        for (; adds < 20 && (adds < 8 || tallies.add.kills < POINTS); adds++) {
          // done: both servers recorded and the creation closed (only the exit was left)
          const completed = () => Object.keys(recorded().nodes).length === (adds + 1) * 2 && !recorded().node_creation;
          await killChain(["node", "add", "--create", "--count", "2", "--no-power-on"], { cwd: p.cwd, env: nodeEnv, random, maxDelayMs: 600, wanted: POINTS, tally: tallies.add, completed });
          expect(orphans(sakura, p.cwd)).toEqual([]);
        }
        const nodes = Object.keys(parseState(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8"), "state.json").nodes);
        // a killed run is finished by the next, not repeated: two servers per command, however often killed
        expect(nodes.length).toBe(adds * 2);
        const groups = (await (await mb.api()).groupList()).map((g) => g.id);
        expect(nodes.flatMap((n) => [`pxectl-node-${n}`, `pxectl-node-${n}-installed`]).filter((g) => !groups.includes(g))).toEqual([]);
        await mb.stop();

        // destroy: nothing left in the cloud, nothing left in state
        await killChain(["destroy", "--yes"], { cwd: p.cwd, env, random, maxDelayMs: 500, wanted: POINTS, tally: tallies.destroy });
        orphanCount += sakura.inventory().length;
        expect(sakura.inventory()).toEqual([]);
        expect(parseState(readFileSync(join(p.cwd, ".pxectl/state.json"), "utf8"), "state.json").resources).toEqual({});
      } finally {
        await sakura.close();
      }
    }
    const kills = tallies.init.kills + tallies.add.kills + tallies.destroy.kills;
    const resumes = tallies.init.resumes + tallies.add.resumes + tallies.destroy.resumes;
    process.stderr.write(
      `crash: ${kills} kills, ${resumes} resumes (${kills - resumes} kills came after the run's last write), ${orphanCount} orphans (init ${tallies.init.kills}, node add ${tallies.add.kills}, destroy ${tallies.destroy.kills} kills)\n`,
    );
    for (const t of Object.values(tallies)) expect(t.kills).toBeGreaterThanOrEqual(POINTS);
  }, 600_000);
});
