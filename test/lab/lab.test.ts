// The boot lab end to end: real VMs (QEMU, iPXE) PXE-booted by dnsmasq with the config pxectl
// renders, matchbox (the real v0.11.0 when PXECTL_TEST_MATCHBOX names it, else the test
// server) fed by pxectl over mutual TLS, followed by pxectl watch, which parses its log.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, spawnCli } from "../support/cli";
import { LAB_CACHE, MATCHBOX_TEST_SERVER, installedConfig, skipLab } from "../support/lab";
import { realMatchboxBinary } from "../support/real-matchbox";
import { tempDir } from "../support/tempdir";

const skip = skipLab();
const matchbox = realMatchboxBinary() ?? MATCHBOX_TEST_SERVER;
if (!skip && matchbox === MATCHBOX_TEST_SERVER) process.stderr.write("note: PXECTL_TEST_MATCHBOX is unset: the lab runs the matchbox test server, not the real matchbox\n");
const dir = tempDir({}, { keep: true });
const env = { PXECTL_LAB_CACHE: LAB_CACHE };
const pxectl = (...argv: string[]): Promise<CliRun> => spawnCli(argv, { cwd: dir, env });
const GOOD = ["52:54:00:70:78:0a", "52:54:00:70:78:0b", "52:54:00:70:78:0c"];
const LOST = "52:54:00:70:78:0d";
const BADBOOT = "52:54:00:70:78:0e";
const INSTALL_STAGES = ["dhcp", "ipxe", "kernel", "initrd", "install-config", "installing", "installed-config", "rebooting", "installed"];

interface StageEvent {
  type: string;
  node: string;
  stage: string;
  at: string;
}
interface DoneEvent {
  type: "done";
  outcome: string;
  nodes: Array<{ node: string; stage: string; reached: boolean; stuck: { cause: string; message: string } | null; stages: Array<{ stage: string; at: string }> }>;
}

const waitUntil = async (done: () => boolean, timeoutMs: number) => {
  for (const deadline = Date.now() + timeoutMs; !done() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200));
};
const events = (r: CliRun) => r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as StageEvent | DoneEvent);
const console = (mac: string) => readFileSync(join(dir, ".pxectl/lab/vms", `${mac.replaceAll(":", "")}.console.log`), "utf8");
const ok = (r: CliRun) => expect(r, r.stderr).toMatchObject({ exitCode: 0 });
const timings: string[] = [];
let namespace = "";
const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  const value = await work();
  timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return value;
};

afterAll(async () => {
  if (skip) return;
  await pxectl("lab", "down");
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`boot lab timings: ${timings.join(", ")}\n`);
});

describe.skipIf(skip)("the boot lab", () => {
  it("comes up: dnsmasq with pxectl's config, matchbox fed over mutual TLS, in a namespace of its own", { timeout: 120_000 }, async () => {
    const up = await timed("lab up", () => pxectl("lab", "up", "--matchbox-binary", matchbox, "-o", "json"));
    ok(up);
    const result = JSON.parse(up.stdout) as { namespace: string; grpcEndpoint: string; projectWritten: boolean };
    expect(result).toMatchObject({ projectWritten: true, grpcEndpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as string });
    namespace = result.namespace;
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0])).toContain(namespace);
    // the dnsmasq config is the one pxectl renders for a real host, its paths moved into the lab
    const conf = readFileSync(join(dir, ".pxectl/lab/dnsmasq.conf"), "utf8");
    expect(conf).toContain("interface=br-pxe\nbind-interfaces");
    expect(conf).toContain("dhcp-boot=tag:ipxe,http://10.254.0.1:8080/boot.ipxe");
    const status = await pxectl("lab", "status", "-o", "json");
    ok(status);
    expect((JSON.parse(status.stdout) as { services: Array<{ name: string; running: boolean }> }).services.every((s) => s.running)).toBe(true);
    // pxectl status checks the lab in place of a cloud and an SSH host
    const health = await pxectl("status", "-o", "json");
    expect(health.exitCode, health.stdout).toBe(0);
    expect((JSON.parse(health.stdout) as { checks: Array<{ name: string; status: string }> }).checks.filter((c) => c.name.startsWith("lab") || c.name === "grpc")).toEqual([
      expect.objectContaining({ name: "lab", status: "pass" }),
      expect.objectContaining({ name: "lab programs", status: "pass" }),
      expect.objectContaining({ name: "grpc", status: "pass" }),
    ]);
    // the profiles pxectl pushed over the relay are there
    const profiles = await pxectl("profile", "list", "-o", "json");
    ok(profiles);
    expect(profiles.stdout).toContain("lab-install");
  });

  it("installs 3 registered VMs, and watch reports every stage in order and exits 0", { timeout: 240_000 }, async () => {
    for (const [i, mac] of GOOD.entries()) ok(await pxectl("node", "add", "--mac", mac.toUpperCase().replaceAll(":", "-"), "--name", `vm-${i + 1}`));
    // BIOS: OVMF (--firmware uefi) works too, but after the local-boot answer it tries UEFI HTTP
    // boot for about two minutes before the disk, too slow for every CI run
    ok(await pxectl("lab", "boot", ...GOOD));
    const watch = await timed("3 VMs from power-on to installed", () => pxectl("watch", "--until", "installed", "--timeout", "200s", "-o", "json"));
    expect(watch.exitCode, watch.stderr + watch.stdout).toBe(0);
    const all = events(watch);
    const done = all.at(-1) as DoneEvent;
    expect(done).toMatchObject({ type: "done", outcome: "reached" });
    for (const name of ["vm-1", "vm-2", "vm-3"]) {
      const node = done.nodes.find((n) => n.node === name)!;
      expect(node, name).toMatchObject({ stage: "installed", reached: true, stuck: null });
      const seen = node.stages.map((s) => s.stage).filter((s) => s !== "waiting");
      expect(seen, name).toEqual(INSTALL_STAGES);
      // "waiting" is when watch began following, which may come after a fast VM's first DHCP
      const times = node.stages.filter((s) => s.stage !== "waiting").map((s) => Date.parse(s.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      timings.push(`${name} installed in ${((times.at(-1)! - times[0]!) / 1000).toFixed(1)} s from its first DHCP`);
    }
    for (const [i, mac] of GOOD.entries()) {
      // the disk holds the installed config matchbox served for this node: its own host name
      const config = installedConfig(join(dir, ".pxectl/lab/vms", `${mac.replaceAll(":", "")}.img`));
      expect(config, mac).toBeDefined();
      const ignition = JSON.parse(config!) as { ignition: { version: string }; storage: { files: Array<{ path: string; contents: { source: string } }> } };
      expect(ignition.ignition.version).toBe("3.4.0");
      expect(ignition.storage.files.find((f) => f.path === "/etc/hostname")?.contents.source).toBe(`data:,vm-${i + 1}`);
      const sha = createHash("sha256").update(config!).digest("hex");
      // watch saw the installed system's DHCP request; it prints what it found on its disk just after
      await waitUntil(() => console(mac).includes("PXECTL-LAB-BOOTED"), 20_000);
      const log = console(mac);
      expect(log).toContain(`PXECTL-LAB-INSTALLED mac=${mac} bytes=${Buffer.byteLength(config!)} sha256=${sha}`);
      // the next network boot got the local-boot answer (the install-loop guard), then the disk booted
      expect(log).toContain(`pxectl: ${mac} is installed; booting from the local disk`);
      expect(log).toContain(`PXECTL-LAB-BOOTED mac=${mac} bytes=${Buffer.byteLength(config!)} sha256=${sha}`);
    }
    const list = await pxectl("node", "list", "-o", "json");
    const rows = JSON.parse(list.stdout) as Array<{ name: string; stage: string; ip: string | null }>;
    expect(rows.filter((r) => r.stage === "installed").map((r) => r.name)).toEqual(["vm-1", "vm-2", "vm-3"]);
    expect(rows.every((r) => r.ip?.startsWith("10.254.0."))).toBe(true);
  });

  it("reports a VM no group matches and one offered a missing boot file as stuck, and exits non-zero", { timeout: 150_000 }, async () => {
    ok(await pxectl("node", "add", "--mac", LOST, "--name", "lost"));
    ok(await pxectl("node", "add", "--mac", BADBOOT, "--name", "badboot"));
    // matchbox lost the node's group (pxectl pushes it back on the next apply)
    ok(await pxectl("group", "delete", "pxectl-node-lost", "--yes"));
    // dnsmasq names a boot file the TFTP root does not have
    rmSync(join(dir, ".pxectl/lab/tftp/ipxe.efi"));
    ok(await pxectl("lab", "boot", LOST));
    ok(await pxectl("lab", "boot", BADBOOT, "--firmware", "uefi-pxe"));
    const watch = await timed("2 broken VMs to failure", () => pxectl("watch", "lost", "badboot", "--fail-after", "3s", "--timeout", "120s", "-o", "json"));
    expect(watch.exitCode, watch.stderr).toBe(1);
    const done = events(watch).at(-1) as DoneEvent;
    expect(done.outcome).toBe("failed");
    // matchbox answers /ipxe for a machine no group selects with "No matching profile"
    expect(done.nodes.find((n) => n.node === "lost")?.stuck).toMatchObject({ cause: "no-matching-profile" });
    expect(done.nodes.find((n) => n.node === "badboot")?.stuck).toMatchObject({ cause: "boot-file-missing" });
    expect(JSON.parse(watch.stderr)).toMatchObject({ error: { code: "failed", message: expect.stringContaining("lost") as string } });
  });

  it("goes down without a trace: no namespace, no VM, no program", { timeout: 60_000 }, async () => {
    const pids = (JSON.parse((await pxectl("lab", "status", "-o", "json")).stdout) as { services: Array<{ pid: number | null }> }).services.map((s) => s.pid).filter((p): p is number => p !== null);
    const down = await pxectl("lab", "down");
    ok(down);
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0])).not.toContain(namespace);
    // a zombie has exited (here PID 1 may not reap the lab's orphans)
    const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    expect(pids.filter(alive)).toEqual([]);
    expect((await pxectl("lab", "status")).exitCode).toBe(13);
  });
});
