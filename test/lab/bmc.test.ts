// Lab VMs with a BMC: OpenIPMI's ipmi_sim serving IPMI over LAN inside the lab's namespace,
// wired to QEMU's ipmi-bmc-extern device and starting and stopping QEMU as the chassis power.
// pxectl powers the VM through it (ipmitool in the lab's namespace, the lab's "host"); each
// action is checked from outside: the QEMU process and what the VM's console shows.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, spawnCli } from "../support/cli";
import { bmcSimUnavailable } from "../support/bmc-sim";
import { LAB_CACHE, MATCHBOX_TEST_SERVER, labUnavailable } from "../support/lab";
import { tempDir } from "../support/tempdir";

const why = labUnavailable() ?? bmcSimUnavailable();
const skip = Boolean(why) && !process.env.CI;
if (skip) process.stderr.write(`\n!!! LAB BMC TESTS NOT RUN: ${why}. !!!\n\n`);

const dir = tempDir({}, { keep: true });
const env = { PXECTL_LAB_CACHE: LAB_CACHE };
const runs: CliRun[] = [];
const pxectl = async (argv: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliRun> => {
  const r = await spawnCli(argv, { cwd: dir, env: { ...env, ...extra } });
  runs.push(r);
  return r;
};
const MAC = "52:54:00:70:78:01";
const base = MAC.replaceAll(":", "");
const bmcDir = () => join(dir, ".pxectl/lab/bmc", base);
const consoleText = () => readFileSync(join(dir, ".pxectl/lab/vms", `${base}.console.log`), "utf8");
const count = (text: string, what: string) => text.split(what).length - 1;
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
/** qemuPid is the VM's QEMU as its BMC started it: from its pid file, checked against /proc. */
const qemuPid = (): number | undefined => {
  const file = join(bmcDir(), "machine.pid");
  const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : NaN;
  if (!Number.isInteger(pid) || !alive(pid)) return undefined;
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  return cmdline[0]?.endsWith("qemu-system-x86_64") && cmdline.some((a) => a.includes(`mac=${MAC}`)) ? pid : undefined;
};
const waitUntil = async (done: () => boolean, timeoutMs: number) => {
  for (const deadline = Date.now() + timeoutMs; !done() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 250));
  return done();
};
const ok = (r: CliRun) => expect(r.exitCode, r.stderr + r.stdout).toBe(0);
const errorLines = (r: CliRun) => r.stderr.split("\n").filter((l) => l.startsWith("error:"));
const powerOf = async (node: string) => (JSON.parse((await pxectl(["node", "power", "status", node, "-o", "json"])).stdout) as Array<{ state: string }>)[0]?.state;
const figures: string[] = [];
let namespace = "";

afterAll(async () => {
  if (skip) return;
  await pxectl(["lab", "down"]);
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`lab BMC: ${figures.join(", ")}\n`);
});

describe.skipIf(skip)("lab VMs with a BMC", () => {
  it("come up powered on through their BMC and install", { timeout: 420_000 }, async () => {
    const up = await pxectl(["lab", "up", "--matchbox-binary", MATCHBOX_TEST_SERVER, "--vms", "1", "--bmc", "-o", "json"]);
    ok(up);
    namespace = (JSON.parse(up.stdout) as { namespace: string }).namespace;
    const state = JSON.parse(readFileSync(join(dir, ".pxectl/state.json"), "utf8")) as { nodes: Record<string, Record<string, unknown>> };
    expect(state.nodes["vm-1"]).toMatchObject({ mac: MAC, bmc: { url: "ipmi://10.254.0.1:6231", user: "admin", via: "host" }, power: "on" });
    // ipmi_sim listens inside the lab's namespace only, on the bridge (LAN) and loopback (QEMU's link)
    const inside = execFileSync("ip", ["netns", "exec", namespace, "ss", "-Hlnup"], { encoding: "utf8" });
    expect(inside).toMatch(/10\.254\.0\.1:6231 .*ipmi_sim/);
    expect(execFileSync("ss", ["-Hlnup"], { encoding: "utf8" })).not.toContain("ipmi_sim");
    const pid = qemuPid();
    expect(pid).toBeDefined();
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain("ipmi-bmc-extern");
    expect(consoleText()).toContain("PXECTL-LAB-BMC: power on, boot from the network first");
    const started = Date.now();
    const watch = await pxectl(["watch", "--until", "installed", "--timeout", "360s"]);
    ok(watch);
    figures.push(`install ${((Date.now() - started) / 1000).toFixed(0)} s`);
    expect(await waitUntil(() => consoleText().includes("PXECTL-LAB-BOOTED"), 60_000)).toBe(true);
  });

  it("powers the VM off, on and through a cycle, each seen in the QEMU process and on its console", { timeout: 300_000 }, async () => {
    expect(await powerOf("vm-1")).toBe("on");
    const first = qemuPid()!;
    ok(await pxectl(["node", "power", "off", "vm-1"]));
    expect(qemuPid()).toBeUndefined();
    expect(alive(first)).toBe(false);
    expect(await powerOf("vm-1")).toBe("off");
    const list = JSON.parse((await pxectl(["node", "list", "-o", "json"])).stdout) as Array<{ name: string; power: string }>;
    expect(list.find((n) => n.name === "vm-1")?.power).toBe("off");

    const booted = count(consoleText(), "PXECTL-LAB-BOOTED");
    ok(await pxectl(["node", "power", "on", "vm-1"]));
    const second = qemuPid();
    expect(second).toBeDefined();
    // a plain power-on boots the disk first: the installed system comes up again, no install
    expect(consoleText().split("\n").filter((l) => l.startsWith("PXECTL-LAB-BMC")).at(-1)).toBe("PXECTL-LAB-BMC: power on, boot from the disk first");
    expect(await waitUntil(() => count(consoleText(), "PXECTL-LAB-BOOTED") > booted, 120_000)).toBe(true);
    expect(await powerOf("vm-1")).toBe("on");

    const powerOns = count(consoleText(), "PXECTL-LAB-BMC: power on");
    ok(await pxectl(["node", "power", "cycle", "vm-1"]));
    expect(alive(second!)).toBe(false);
    expect(await waitUntil(() => qemuPid() !== undefined && qemuPid() !== second, 20_000)).toBe(true);
    expect(count(consoleText(), "PXECTL-LAB-BMC: power on")).toBe(powerOns + 1);
    expect(await waitUntil(() => count(consoleText(), "PXECTL-LAB-BOOTED") > booted + 1, 120_000)).toBe(true);
  });

  it("reinstalls an installed VM: a network boot once, a power cycle, and watch follows it to installed", { timeout: 420_000 }, async () => {
    const before = qemuPid();
    const reinstall = await pxectl(["node", "reinstall", "vm-1", "-o", "json"]);
    ok(reinstall);
    expect(JSON.parse(reinstall.stdout)).toMatchObject({ powerCycled: true, via: "bmc" });
    expect(alive(before!)).toBe(false);
    expect(await waitUntil(() => qemuPid() !== undefined, 20_000)).toBe(true);
    expect(consoleText().split("\n").filter((l) => l.startsWith("PXECTL-LAB-BMC")).at(-1)).toBe("PXECTL-LAB-BMC: power on, boot from the network first");
    const installs = count(consoleText(), "PXECTL-LAB-INSTALLED");
    const started = Date.now();
    const watch = await pxectl(["watch", "vm-1", "--until", "installed", "--timeout", "360s", "-o", "json"]);
    ok(watch);
    figures.push(`reinstall ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const done = JSON.parse(watch.stdout.trim().split("\n").at(-1)!) as { outcome: string; nodes: Array<{ node: string; stages: Array<{ stage: string }> }> };
    expect(done.outcome).toBe("reached");
    const stages = done.nodes.find((n) => n.node === "vm-1")!.stages.map((s) => s.stage);
    expect(stages).toEqual(expect.arrayContaining(["dhcp", "kernel", "install-config", "installing", "installed"]));
    expect(count(consoleText(), "PXECTL-LAB-INSTALLED")).toBe(installs + 1);
  });

  it("says in one line when the password is wrong or the BMC does not answer, and the password is nowhere else", { timeout: 120_000 }, async () => {
    const passwordFile = join(dir, ".pxectl/bmc/vm-1.password");
    const password = readFileSync(passwordFile, "utf8");
    const wrong = join(tempDir(), "wrong");
    writeFileSync(wrong, "not-the-password");
    ok(await pxectl(["node", "set", "vm-1", "--bmc-password-file", wrong]));
    const bad = await pxectl(["node", "power", "status", "vm-1"]);
    expect(bad.exitCode).toBe(5);
    expect(errorLines(bad)).toEqual(["error: node vm-1: BMC ipmi://10.254.0.1:6231 refused user admin: wrong user name or password"]);
    ok(await pxectl(["node", "set", "vm-1"], { PXECTL_BMC_PASSWORD: password }));
    expect(await powerOf("vm-1")).toBe("on");

    // an address on the lab's network that nobody has: ARP goes unanswered inside the namespace
    ok(await pxectl(["node", "add", "--mac", "52:54:00:70:78:99", "--name", "ghost", "--bmc", "ipmi://10.254.0.250", "--bmc-user", "admin"], { PXECTL_BMC_PASSWORD: "ghost-password" }));
    const started = Date.now();
    const gone = await pxectl(["node", "power", "cycle", "ghost"]);
    figures.push(`silent BMC given up after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(gone.exitCode).toBe(7);
    expect(errorLines(gone)).toHaveLength(1);
    expect(errorLines(gone)[0]).toMatch(/^error: node ghost: BMC ipmi:\/\/10\.254\.0\.250 did not answer IPMI over LAN from the lab's network namespace pxectl-\S+ \(gave up after \d+ s\)$/);

    // the secrets scan: every output and every text file the lab wrote, but the password's own file
    // and the simulated BMC's user table (lan.conf, 0600), which is the BMC's side, not pxectl's
    const lanConf = join(bmcDir(), "lan.conf");
    expect((statSync(lanConf).mode & 0o777).toString(8)).toBe("600");
    expect((statSync(passwordFile).mode & 0o777).toString(8)).toBe("600");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => lstatSync(join(dir, f)).isFile() && !/\.(img|fd|bin)$|vmlinuz|initrd/.test(f));
    const scanned = files.filter((f) => join(dir, f) !== lanConf && !f.startsWith(".pxectl/bmc/"));
    expect(scanned.some((f) => f.startsWith(".pxectl/logs/"))).toBe(true);
    const hits = [
      ...runs.flatMap((r, i) => [r.stdout, r.stderr].filter((t) => t.includes(password) || t.includes("ghost-password")).map(() => `run ${i}`)),
      ...scanned.filter((f) => {
        const text = readFileSync(join(dir, f), "latin1");
        return text.includes(password) || text.includes("ghost-password");
      }),
    ];
    figures.push(`${runs.length * 2 + scanned.length} outputs and files scanned for the BMC passwords, ${hits.length} hits`);
    expect(hits).toEqual([]);
  });

  it("goes down without its BMCs or VMs left", { timeout: 60_000 }, async () => {
    const simPid = (JSON.parse(readFileSync(join(dir, ".pxectl/state.json"), "utf8")) as { lab: { vms: Record<string, { process: { pid: number } }> } }).lab.vms[MAC]!.process.pid;
    const vm = qemuPid();
    expect(vm).toBeDefined();
    ok(await pxectl(["lab", "down"]));
    expect(alive(simPid)).toBe(false);
    expect(alive(vm!)).toBe(false);
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain(namespace);
  });
});
