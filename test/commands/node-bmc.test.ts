// Nodes with a BMC against a real IPMI stack: OpenIPMI's ipmi_sim on loopback (IPMI v2 over
// LAN, RMCP+), driven by pxectl through ipmitool, powering a stand-in machine. Every power
// action is checked from outside (the machine's process), and every failure is one line.
import { lstatSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli } from "../support/cli";
import { type BmcSim, skipBmcSim, startBmcSim } from "../support/bmc-sim";
import { exampleProject, startTestMatchbox } from "../support/matchbox-harness";
import { tempDir } from "../support/tempdir";

const skip = skipBmcSim();
const PASSWORD = `pw-${Math.random().toString(36).slice(2, 12)}`;
let sim: BmcSim;

beforeAll(async () => {
  if (!skip) sim = await startBmcSim(tempDir({}, { keep: true }), { admin: ["admin", PASSWORD] });
}, 30_000);
afterAll(async () => {
  await sim?.stop();
});

const state = (cwd: string) => JSON.parse(readFileSync(join(cwd, ".pxectl/state.json"), "utf8")) as { nodes: Record<string, Record<string, unknown>> };
const files = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((p) => lstatSync(join(dir, p)).isFile());
const errorLines = (r: CliRun) => r.stderr.split("\n").filter((l) => l.startsWith("error:"));

describe.skipIf(skip)("nodes with a BMC (ipmi_sim)", () => {
  it("registers a BMC, powers the machine on, off and through a cycle, and reinstall boots it from the network once", { timeout: 120_000 }, async () => {
    const mb = await startTestMatchbox();
    const p = exampleProject(mb);
    const runs: CliRun[] = [];
    const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const r = await runCli(argv, { cwd: p.cwd, env: { ...p.env, ...env } });
      runs.push(r);
      return r;
    };
    const add = await run(["node", "add", "--mac", "52:54:00:be:ef:21", "--name", "metal1", "--bmc", sim.url, "--bmc-user", "admin", "--bmc-via", "local", "--power-on", "-v"], { PXECTL_BMC_PASSWORD: PASSWORD });
    expect(add.exitCode, add.stderr).toBe(0);
    // on, from the network first (once): the BMC started the machine with BOOTDEV=pxe
    expect(sim.machinePid()).toBeDefined();
    expect(sim.powerOns()).toEqual(["pxe"]);
    expect(state(p.cwd).nodes.metal1).toMatchObject({ bmc: { url: sim.url, user: "admin", via: "local" }, power: "on" });
    const passwordFile = join(p.cwd, ".pxectl/bmc/metal1.password");
    expect(readFileSync(passwordFile, "utf8")).toBe(PASSWORD);
    expect((statSync(passwordFile).mode & 0o777).toString(8)).toBe("600");
    expect((statSync(join(p.cwd, ".pxectl/bmc")).mode & 0o777).toString(8)).toBe("700");

    const status = await run(["node", "power", "status", "metal1", "-o", "json"]);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([{ node: "metal1", bmc: sim.url, state: "on", did: "nothing", bootdev: null, error: null }]);

    const before = sim.machinePid();
    const off = await run(["node", "power", "off", "metal1"]);
    expect(off.exitCode, off.stderr).toBe(0);
    expect(off.stdout).toContain("metal1 (" + sim.url + "): off (power off)");
    expect(sim.machinePid()).toBeUndefined();
    expect(existsProc(before!)).toBe(false);
    expect(JSON.parse((await run(["node", "list", "--no-leases", "-o", "json"])).stdout)).toMatchObject([{ name: "metal1", bmc: sim.url, power: "off" }]);
    expect((await run(["node", "show", "metal1"])).stdout).toContain(`bmc:          ${sim.url} as admin, ipmitool on this machine\npower:        off at `);

    const on = await run(["node", "power", "on", "metal1"]);
    expect(on.exitCode, on.stderr).toBe(0);
    const second = sim.machinePid();
    expect(second).toBeDefined();
    // a plain power-on boots as the machine's own order says: the one-time network boot was used
    expect(sim.powerOns()).toEqual(["pxe", "default"]);
    expect((await run(["node", "power", "on", "metal1", "-o", "json"])).stdout).toContain('"did": "already on"');

    const cycle = await run(["node", "power", "cycle", "metal1"]);
    expect(cycle.exitCode, cycle.stderr).toBe(0);
    // ipmi_sim powers back on a second after the off: wait for the new machine
    for (let i = 0; i < 50 && (!sim.machinePid() || sim.machinePid() === second); i++) await new Promise((r) => setTimeout(r, 100));
    expect(sim.machinePid()).toBeDefined();
    expect(sim.machinePid()).not.toBe(second);
    expect(existsProc(second!)).toBe(false);

    const reinstall = await run(["node", "reinstall", "metal1", "-o", "json"]);
    expect(reinstall.exitCode, reinstall.stderr).toBe(0);
    expect(JSON.parse(reinstall.stdout)).toMatchObject({ name: "metal1", powerCycled: true, via: "bmc" });
    for (let i = 0; i < 50 && sim.powerOns().length < 4; i++) await new Promise((r) => setTimeout(r, 100));
    // add --power-on, power on, cycle, reinstall's cycle: only add and reinstall asked for the network
    expect(sim.powerOns()).toEqual(["pxe", "default", "default", "pxe"]);

    // nowhere but its own file: not in output, logs, state or any other file pxectl wrote
    const texts: Array<[string, string]> = runs.flatMap((r, i): Array<[string, string]> => [[`run ${i} stdout`, r.stdout], [`run ${i} stderr`, r.stderr]]);
    for (const f of files(p.cwd).filter((f) => f !== ".pxectl/bmc/metal1.password")) texts.push([f, readFileSync(join(p.cwd, f), "utf8")]);
    expect(texts.some(([where]) => where.startsWith(".pxectl/logs/"))).toBe(true);
    expect(texts.filter(([, text]) => text.includes(PASSWORD)).map(([where]) => where)).toEqual([]);

    const remove = await run(["node", "remove", "metal1"]);
    expect(remove.exitCode, remove.stderr).toBe(0);
    expect(files(p.cwd).filter((f) => f.startsWith(".pxectl/bmc/"))).toEqual([]);
  });

  it("says in one line, naming node and BMC, when the password is wrong, the BMC does not answer, or it refuses", { timeout: 120_000 }, async () => {
    const mb = await startTestMatchbox();
    const p = exampleProject(mb);
    const wrong = join(tempDir(), "wrong");
    writeFileSync(wrong, "not-the-password\n");
    const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCli(argv, { cwd: p.cwd, env: { ...p.env, ...env } });
    expect((await run(["node", "add", "--mac", "52:54:00:be:ef:31", "--name", "m1", "--bmc", sim.url, "--bmc-user", "admin", "--bmc-via", "local", "--bmc-password-file", wrong])).exitCode).toBe(0);
    const bad = await run(["node", "power", "status", "m1"]);
    expect(bad.exitCode).toBe(5);
    expect(errorLines(bad)).toEqual([`error: node m1: BMC ${sim.url} refused user admin: wrong user name or password`]);

    // nothing answers on this port: ipmitool gives up within its bounded retries
    const silent = await run(["node", "add", "--mac", "52:54:00:be:ef:32", "--name", "m2", "--bmc", `ipmi://127.0.0.1:${sim.port === 9 ? 10 : 9}`, "--bmc-user", "admin", "--bmc-via", "local"], { PXECTL_BMC_PASSWORD: PASSWORD });
    expect(silent.exitCode, silent.stderr).toBe(0);
    const started = Date.now();
    const gone = await run(["node", "power", "on", "m2"]);
    process.stderr.write(`unreachable BMC: pxectl gave up after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(gone.exitCode).toBe(7);
    expect(errorLines(gone)).toHaveLength(1);
    expect(errorLines(gone)[0]).toMatch(/^error: node m2: BMC ipmi:\/\/127\.0\.0\.1:\d+ did not answer IPMI over LAN from this machine \(gave up after \d+ s\)$/);

    // a BMC whose machine will not start refuses the power-on
    const broken = await startBmcSim(tempDir(), { admin: ["admin", PASSWORD], machineFails: true });
    try {
      expect((await run(["node", "add", "--mac", "52:54:00:be:ef:33", "--name", "m3", "--bmc", broken.url, "--bmc-user", "admin", "--bmc-via", "local"], { PXECTL_BMC_PASSWORD: PASSWORD })).exitCode).toBe(0);
      const look = await run(["node", "power", "status", "m3", "-o", "json"]);
      expect(look.exitCode, look.stderr).toBe(0);
      const refused = await run(["node", "power", "on", "m3"]);
      expect(refused.exitCode).toBe(5);
      expect(errorLines(refused)).toEqual([`error: node m3: BMC ${broken.url} refused "chassis power on": Set Chassis Power Control to Up/On failed: Unspecified error`]);
    } finally {
      await broken.stop();
    }

    // several at once: each reported, the failures' own exit code when they agree, 1 when not
    expect((await run(["node", "add", "--mac", "52:54:00:be:ef:34", "--name", "metal2", "--bmc", sim.url, "--bmc-user", "admin", "--bmc-via", "local"], { PXECTL_BMC_PASSWORD: PASSWORD })).exitCode).toBe(0);
    const all = await run(["node", "power", "status", "m1", "m2", "metal2", "-o", "json"]);
    expect(all.exitCode).toBe(1);
    expect((JSON.parse(all.stdout) as Array<{ node: string; state: string | null; error: { code: string } | null }>).map((r) => [r.node, r.state, r.error?.code ?? null])).toEqual([
      ["m1", null, "remote"],
      ["m2", null, "timeout"],
      ["metal2", expect.stringMatching(/^(on|off)$/), null],
    ]);
    // fixed in place: the right password from a file
    const good = join(tempDir(), "good");
    writeFileSync(good, PASSWORD);
    expect((await run(["node", "set", "m1", "--bmc-password-file", good])).exitCode).toBe(0);
    expect((await run(["node", "power", "status", "m1"])).exitCode).toBe(0);
  });

  it.each([
    [["--bmc", "http://10.0.0.5", "--bmc-user", "a"], "error: --bmc http://10.0.0.5: pxectl speaks IPMI only (ipmi://), not http"],
    [["--bmc", `ipmi://admin:${"s3cret-in-url"}@10.0.0.5`, "--bmc-user", "a"], "error: --bmc must not hold a user or password: they would be stored in state.json"],
    [["--bmc", "ipmi://10.0.0.5"], "error: --bmc needs --bmc-user"],
    [["--bmc", "ipmi://10.0.0.5", "--bmc-user", "a", "--bmc-via", "moon"], "error: --bmc-via moon: use host or local"],
    [["--power-on"], "error: --power-on needs a way to power the machine"],
    [["--bmc", "ipmi://10.0.0.5", "--bmc-user", "a"], 'error: no answer for "password of a on ipmi://10.0.0.5 (node n1)" without a terminal'],
  ])("refuses node add %j with one line and exit 2, recording nothing", async (args, message) => {
    const mb = await startTestMatchbox();
    const p = exampleProject(mb);
    const r = await runCli(["node", "add", "--mac", "52:54:00:be:ef:41", "--name", "n1", ...args], p);
    expect(r.exitCode).toBe(2);
    expect(errorLines(r)).toEqual([expect.stringContaining(message)]);
    expect(r.stderr).not.toContain("s3cret-in-url");
    // nothing recorded: no state at all, or state without nodes, and no password file
    expect(files(p.cwd).filter((f) => f.startsWith(".pxectl/")).every((f) => f === ".pxectl/state.json" || f.startsWith(".pxectl/tls/") || f.startsWith(".pxectl/logs/") || f === ".pxectl/lock")).toBe(true);
    if (files(p.cwd).includes(".pxectl/state.json")) expect(state(p.cwd).nodes).toEqual({});
  });

  it("refuses to power a node without a BMC, naming how to give it one", async () => {
    const mb = await startTestMatchbox();
    const p = exampleProject(mb);
    expect((await runCli(["node", "add", "--mac", "52:54:00:be:ef:51", "--name", "plain"], p)).exitCode).toBe(0);
    const r = await runCli(["node", "power", "on", "plain"], p);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("error: node plain has no BMC: pxectl cannot power it\nhint: pxectl node set plain --bmc ipmi://ADDRESS --bmc-user USER");
  });
});

function existsProc(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
