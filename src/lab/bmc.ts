// Lab machines with a BMC: each VM gets OpenIPMI's ipmi_sim, serving IPMI over LAN (lanplus)
// on the lab bridge inside the lab's namespace, with QEMU's ipmi-bmc-extern device wired to
// it. ipmi_sim powers the VM through its chassis_control program (bmc-control.sh), which
// starts and stops QEMU; so `chassis power on` really starts a machine and `off` ends it.
// These VMs boot from their disk first, as servers usually do: only a one-time boot device
// from the BMC (chassis bootdev pxe) puts the network first, for that power-on.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import controlScript from "../../templates/lab/bmc-control.sh.tmpl";
import { LabError } from "../core/errors";
import type { StateStore } from "../config/state";
import { addTap, inNamespace, removeTap } from "./network";
import { type LabProcess, startDetached, stopProcess } from "./processes";
import { type LabVm, labOf, labPaths, vmFiles } from "./state";
import { type VmSpec, prepareVmFiles, qemuArgs } from "./vm";

const run = promisify(execFile);

/** The lab's BMCs answer on the bridge address, one UDP port each from here (IPMI's own is 623). */
export const LAB_BMC_FIRST_PORT = 6230;
/** QEMU's ipmi-bmc-extern reaches its ipmi_sim on the namespace's loopback, port + this. */
const VM_LINK_OFFSET = 1000;
export const LAB_BMC_USER = "admin";

/** LabBmc is what state records about a lab VM's BMC. */
export interface LabBmc {
  port: number;
  /** Its folder: lan.conf (0600, it holds the BMC's user table), control.sh, start.sh, machine.pid. */
  dir: string;
}

export const bmcFiles = (dir: string) => ({
  lanConf: join(dir, "lan.conf"),
  commands: join(dir, "bmc.emu"),
  control: join(dir, "control.sh"),
  start: join(dir, "start.sh"),
  pid: join(dir, "machine.pid"),
  log: join(dir, "ipmi_sim.log"),
  state: join(dir, "state"),
});

/** labBmcDir is a VM's BMC folder, named by its MAC. */
export const labBmcDir = (labDir: string, mac: string) => join(labPaths(labDir).dir, "bmc", mac.replaceAll(":", ""));

/** labBmcPassword makes a password for a lab BMC: 16 characters, within IPMI's 20 bytes. */
export const labBmcPassword = () => randomBytes(12).toString("base64url");

function word(arg: string): string {
  if (/["$`\\]/.test(arg)) throw new Error(`internal: QEMU argument ${arg} cannot be put in start.sh`);
  return `"${arg}"`;
}

/**
 * startScript turns the lab's QEMU command line into the BMC's start.sh: daemonized with a
 * pid file (ipmi_sim waits for the start program), the console appended (it holds every
 * power-on), disk first unless BOOTDEV=pxe, and the IPMI devices wired to ipmi_sim.
 */
export function startScript(spec: VmSpec, pidFile: string, vmLinkPort: number): string {
  const args = qemuArgs(spec);
  const replace = (from: string[], to: string[]) => {
    const at = args.findIndex((a, i) => from.every((f, j) => args[i + j] === f));
    if (at < 0) throw new Error(`internal: the lab's QEMU arguments no longer hold ${from.join(" ")}; update startScript`);
    args.splice(at, from.length, ...to);
  };
  replace(["-nographic"], ["-display", "none"]);
  replace(["-serial", `file:${spec.console}`], ["-chardev", `file,id=console0,path=${spec.console},append=on`, "-serial", "chardev:console0"]);
  const boot = (pattern: RegExp) => {
    const at = args.findIndex((a) => pattern.test(a));
    if (at < 0) throw new Error(`internal: no ${pattern} in the lab's QEMU arguments; update startScript`);
    return at;
  };
  const nic = boot(/^virtio-net-pci,.*bootindex=\d+$/);
  const disk = boot(/^virtio-blk-pci,.*bootindex=\d+$/);
  const quoted = args.map(word);
  quoted[nic] = word(args[nic]!.replace(/bootindex=\d+$/, "bootindex=")).replace(/"$/, '$net"');
  quoted[disk] = word(args[disk]!.replace(/bootindex=\d+$/, "bootindex=")).replace(/"$/, '$disk"');
  const ipmi = ["-chardev", `socket,id=ipmi0,host=127.0.0.1,port=${vmLinkPort},reconnect=10`, "-device", "ipmi-bmc-extern,id=bmc0,chardev=ipmi0", "-device", "isa-ipmi-bt,bmc=bmc0"];
  return [
    "#!/bin/sh",
    `# Starts lab VM ${spec.mac} for its BMC: disk first, the network first when BOOTDEV=pxe (one boot).`,
    'case "$BOOTDEV" in pxe) net=1 disk=2 first=network ;; *) net=2 disk=1 first=disk ;; esac',
    `echo "PXECTL-LAB-BMC: power on, boot from the $first first" >> ${word(spec.console)}`,
    ["exec qemu-system-x86_64", ...quoted, ...ipmi.map(word), "-daemonize", "-pidfile", word(pidFile)].join(" \\\n  "),
    "",
  ].join("\n");
}

/** lanConf is ipmi_sim's configuration: one LAN channel on the bridge, the VM link, the user, the power program. */
export function lanConf(o: { name: string; address: string; port: number; vmLinkPort: number; control: string; user: string; password: string }): string {
  const guid = randomBytes(16).toString("hex");
  return `# The lab BMC of ${o.name}, written by pxectl lab up (0600: it holds the BMC's password).
name "${o.name}"
set_working_mc 0x20
  startlan 1
    addr ${o.address} ${o.port}
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid ${guid}
  endlan
  serial 15 127.0.0.1 ${o.vmLinkPort} codec VM
  chassis_control "${o.control}"
  user 2 true "${o.user}" "${o.password}" admin 10 md5
`;
}

/** The emulated BMC itself (ipmi_sim starts with none): one management controller at 0x20. */
const BMC_COMMANDS = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`;

async function udpListening(namespace: string, port: number): Promise<boolean> {
  const { stdout } = await run("ip", inNamespace(namespace, ["ss", "-Hlun", `sport = :${port}`]).slice(1));
  return stdout.trim() !== "";
}

/** BmcVmRequest is one VM with a BMC to set up; it starts powered off. */
export interface BmcVmRequest {
  spec: Omit<VmSpec, "tap" | "disk" | "varsFile" | "console">;
  port: number;
  user: string;
  password: string;
  fresh: boolean;
}

/** startBmcVm plugs the VM's tap, prepares its disk and starts its BMC; the VM stays off until the BMC powers it on. */
export async function startBmcVm(store: StateStore, r: BmcVmRequest): Promise<LabVm & { bmc: LabBmc }> {
  const lab = labOf(store.state);
  if (!lab) throw new LabError("the lab is not up", { hint: "run pxectl lab up first" });
  const used = new Set(Object.values(lab.vms).map((v) => v.tap));
  let n = 0;
  while (used.has(`tap${n}`)) n++;
  const tap = `tap${n}`;
  await addTap(lab.namespace, tap);
  const files = vmFiles(lab.dir, r.spec.mac);
  const spec: VmSpec = { ...r.spec, tap, disk: files.disk, varsFile: files.vars, console: files.console };
  await prepareVmFiles(spec, r.fresh);
  await writeFile(files.console, "");
  const dir = labBmcDir(lab.dir, r.spec.mac);
  const f = bmcFiles(dir);
  await mkdir(f.state, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const vmLinkPort = r.port + VM_LINK_OFFSET;
  await writeFile(f.control, controlScript, { mode: 0o755 });
  await writeFile(f.start, startScript(spec, f.pid, vmLinkPort), { mode: 0o755 });
  await writeFile(f.lanConf, lanConf({ name: `pxectl-${r.spec.mac.replaceAll(":", "")}`, address: lab.address, port: r.port, vmLinkPort, control: f.control, user: r.user, password: r.password }), { mode: 0o600 });
  await writeFile(f.commands, BMC_COMMANDS);
  const argv = inNamespace(lab.namespace, ["ipmi_sim", "-c", f.lanConf, "-f", f.commands, "-s", f.state, "-n"]);
  const process: LabProcess = await startDetached(argv[0]!, argv.slice(1), f.log);
  const vm = { mac: r.spec.mac, firmware: r.spec.firmware, tap, process, bmc: { port: r.port, dir } };
  await store.update((s) => void (labOf(s)!.vms[r.spec.mac] = vm));
  for (let i = 0; i < 100 && !(await udpListening(lab.namespace, r.port)); i++) await new Promise((res) => setTimeout(res, 100));
  if (!(await udpListening(lab.namespace, r.port))) {
    const tail = (await readFile(f.log, "utf8").catch(() => "")).trim().split("\n").slice(-2).join(" | ");
    throw new LabError(`the BMC of VM ${r.spec.mac} (ipmi_sim) did not listen on ${lab.address}:${r.port}${tail ? `: ${tail}` : ""}`, { hint: `see ${f.log}` });
  }
  return vm;
}

/** machinePid is the pid of the VM its BMC started, when it still runs (a recycled pid is not it). */
export async function machinePid(bmc: LabBmc, mac: string): Promise<number | undefined> {
  const pid = Number((await readFile(bmcFiles(bmc.dir).pid, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return cmdline.includes(`mac=${mac}`) && !/\) Z /.test(stat) ? pid : undefined;
}

/** stopBmcVm ends the VM (if on) and its BMC, and unplugs its tap; disk and folder stay. */
export async function stopBmcVm(namespace: string, vm: LabVm & { bmc: LabBmc }): Promise<void> {
  await stopProcess(vm.process);
  const pid = await machinePid(vm.bmc, vm.mac);
  if (pid) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 30 && (await machinePid(vm.bmc, vm.mac)); i++) await new Promise((res) => setTimeout(res, 100));
    if (await machinePid(vm.bmc, vm.mac)) process.kill(pid, "SIGKILL");
  }
  await removeTap(namespace, vm.tap);
}
