// A Debian 12 matchbox host as a real VM for tests: the lab's host image, a disk copied and
// edited as SakuraCloud's disk edit does, QEMU in a network namespace the test makes, with
// NIC 0 on a "shared segment" bridge and NIC 1 on a "switch" bridge. The test reaches the
// shared segment over a veth pair whose root-namespace end and route live in 198.18.0.0/15
// (the benchmarking range) and vanish with the namespace.
import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { editHostDisk } from "../../src/lab/disk-edit";
import { copyHostDisk, ensureHostImage } from "../../src/lab/host-image";
import { type HostVmSpec, forceOffVm, powerDownVm, startHostVm, waitForExit, waitForSsh } from "../../src/lab/host-vm";
import { type LabProcess, startDetached, stopProcess } from "../../src/lab/processes";
import { prepareVmFiles, qemuArgs } from "../../src/lab/vm";
import type { CliRun } from "./cli";
import { LAB_CACHE } from "./lab";

/** HOST_VM_CACHE is where the host image is built once: the boot lab's cache, so the cloud lab test reuses the same image. */
export const HOST_VM_CACHE = LAB_CACHE;

/** hostVmUnavailable says why a host VM cannot run here, or undefined when it can. */
export function hostVmUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  try {
    execFileSync("sh", ["-c", "command -v qemu-system-x86_64 && command -v mmdebstrap && command -v mke2fs && command -v debugfs && command -v ssh-keygen && ip netns list"], { stdio: "ignore" });
  } catch {
    return "qemu-system-x86, mmdebstrap, e2fsprogs, openssh-client or network namespaces are missing (.ci/run installs them)";
  }
  return undefined;
}

/** HostVm is a booted host VM and how to reach it; stop() removes everything it made. */
export interface HostVm {
  ns: string;
  /** NIC 0's address on the shared segment: where SSH and gRPC are reached. */
  address: string;
  gateway: string;
  macs: [string, string];
  /** root's private key (disk edit put its public half in authorized_keys). */
  keyFile: string;
  /** The SSH host key fingerprints disk edit made. */
  hostKeys: string[];
  dir: string;
  console: string;
  /** The running QEMU. */
  vm: LabProcess;
  timings: { image: string; boot: number };
  /** stop powers the VM off (ACPI, then kill) and deletes the namespace and files. */
  stop(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

/** freeSubnet picks a /24 of 198.18.0.0/16 with no route in the root namespace yet. */
function freeSubnet(): number {
  for (let i = 0; i < 50; i++) {
    const n = randomInt(1, 255);
    if (ip("-j", "route", "show", `198.18.${n}.0/24`).trim() === "[]" && ip("-j", "addr", "show", "to", `198.19.${n}.0/30`).trim() === "[]") return n;
  }
  throw new Error("no free 198.18.x.0/24 for the host VM");
}

/** startHostVmLab builds (or reuses) the image and boots one host VM; it resolves once SSH answers. */
export async function startHostVmLab(o: { log?: (line: string) => void; bootTimeoutMs?: number } = {}): Promise<HostVm> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const image = await ensureHostImage({ cacheDir: HOST_VM_CACHE, progress: log });
  const imageTiming = `${image.built ? "built" : "cache hit"} in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  const id = randomBytes(3).toString("hex");
  const n = freeSubnet();
  const ns = `pxt-hvm-${id}`;
  const dir = mkdtempSync(join(tmpdir(), "pxectl-host-vm-"));
  const macs: [string, string] = [`9c:a3:ba:${id.slice(0, 2)}:${id.slice(2, 4)}:01`, `9c:a3:ba:${id.slice(0, 2)}:${id.slice(2, 4)}:02`];
  let vm: LabProcess | undefined;
  const stop = async () => {
    if (vm) {
      await powerDownVm(join(dir, "qmp.sock")).catch(() => undefined);
      if (!(await waitForExit(vm, 60_000))) await forceOffVm(vm);
    }
    try {
      ip("netns", "del", ns); // the veth pair and the route through it go with it
    } catch {
      // not made yet
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip("netns", "add", ns);
    ip("link", "add", `pxh${id}a`, "type", "veth", "peer", "name", `pxh${id}b`);
    ip("link", "set", `pxh${id}b`, "netns", ns);
    ip("addr", "add", `198.19.${n}.1/30`, "dev", `pxh${id}a`);
    ip("link", "set", `pxh${id}a`, "up");
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "addr", "add", `198.19.${n}.2/30`, "dev", `pxh${id}b`);
    ip("-n", ns, "link", "set", `pxh${id}b`, "up");
    for (const bridge of ["shared", "switch"]) {
      ip("-n", ns, "link", "add", bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0");
      ip("-n", ns, "link", "set", bridge, "up");
    }
    ip("-n", ns, "addr", "add", `198.18.${n}.1/24`, "dev", "shared");
    for (const [tap, bridge] of [["tap0", "shared"], ["tap1", "switch"]] as const) {
      ip("-n", ns, "tuntap", "add", "dev", tap, "mode", "tap");
      ip("-n", ns, "link", "set", tap, "master", bridge, "up");
    }
    // the namespace routes between the test (veth) and the shared segment (bridge)
    execFileSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    ip("route", "add", `198.18.${n}.0/24`, "via", `198.19.${n}.2`);

    const disk = join(dir, "disk.img");
    const keyFile = join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "pxectl-test", "-f", keyFile]);
    await copyHostDisk(image, disk);
    const address = `198.18.${n}.10`;
    const gateway = `198.18.${n}.1`;
    const edit = await editHostDisk(disk, {
      hostName: "demo-matchbox",
      sshPublicKeys: [readFileSync(`${keyFile}.pub`, "utf8")],
      disablePasswordAuth: true,
      network: { address, prefixLength: 24, gateway, nameservers: [gateway] },
    });
    const console = join(dir, "console.log");
    const spec: HostVmSpec = {
      name: `pxectl-host-${id}`,
      disk,
      kernel: image.kernel,
      initrd: image.initrd,
      cmdline: image.cmdline,
      namespace: ns,
      nics: [
        { mac: macs[0], tap: "tap0" },
        { mac: macs[1], tap: "tap1" },
      ],
      console,
      qmpSocket: join(dir, "qmp.sock"),
      log: join(dir, "qemu.log"),
    };
    const bootTimeoutMs = o.bootTimeoutMs ?? 600_000;
    const boot = async (): Promise<number> => {
      const at = Date.now();
      vm = await startHostVm(spec);
      await waitForSsh({ host: address, timeoutMs: bootTimeoutMs, vm });
      return (Date.now() - at) / 1000;
    };
    const seconds = await boot();
    const lab: HostVm = {
      ns, address, gateway, macs, keyFile, dir, console, vm: vm!,
      hostKeys: edit.hostKeys.map((k) => k.fingerprint),
      timings: { image: imageTiming, boot: seconds },
      stop,
    };
    return lab;
  } catch (e) {
    await stop();
    throw e;
  }
}

/** WatchEvent is one line of pxectl watch -o json. */
export interface WatchEvent {
  type: string;
  node?: string;
  stage?: string;
  cause?: string;
  evidence?: string;
}

/**
 * bootSecureNode powers on a Secure Boot machine on the host VM's switch (q35 with SMM,
 * Debian's OVMF that enforces Secure Boot, Microsoft's keys enrolled: the lab's
 * uefi-secure VM), runs `watch` (which returns when the node is done or stuck), and powers
 * the machine off again: its QEMU, tap, disk and variables go.
 */
export async function bootSecureNode(lab: HostVm, mac: string, watch: () => Promise<CliRun>): Promise<{ events: WatchEvent[]; console: string; watch: CliRun }> {
  const dir = mkdtempSync(join(lab.dir, "node-"));
  const tap = "tap2";
  const spec = { name: "pxectl-secure-node", mac, tap, disk: join(dir, "disk.img"), varsFile: join(dir, "vars.fd"), console: join(dir, "console.log"), firmware: "uefi-secure" as const, accel: "tcg" as const, memoryMB: 512 };
  let qemu: LabProcess | undefined;
  try {
    ip("-n", lab.ns, "tuntap", "add", "dev", tap, "mode", "tap");
    ip("-n", lab.ns, "link", "set", tap, "master", "switch", "up");
    await prepareVmFiles(spec, true);
    qemu = await startDetached("ip", ["netns", "exec", lab.ns, "qemu-system-x86_64", ...qemuArgs(spec)], join(dir, "qemu.log"));
    const run = await watch();
    const events = run.stdout.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as WatchEvent);
    return { events, console: readFileSync(spec.console, "latin1"), watch: run };
  } finally {
    if (qemu) await stopProcess(qemu);
    try {
      ip("-n", lab.ns, "link", "del", tap);
    } catch {
      // never made
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
