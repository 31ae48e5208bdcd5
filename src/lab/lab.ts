// The boot lab: the host side of pxectl (dnsmasq with the config pxectl renders for a real
// host, matchbox, the certificates) run on this machine inside a network namespace, with
// QEMU VMs as the nodes. Everything it starts is recorded in state before it is used, so
// `lab down` (or a later `lab up`) cleans up after any crash.
import { copyFile, mkdir, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import localbootScript from "../../templates/localboot.ipxe.tmpl";
import type { Clock } from "../core/clock";
import { LabError } from "../core/errors";
import type { ProjectConfig } from "../config/project";
import type { StateStore } from "../config/state";
import { openMatchbox } from "../matchbox/connect";
import { type TlsPaths, ensureTls } from "../pki";
import { GRUB_MAIN_CONFIG, GRUB_TFTP, type GrubNodeFiles, SIGNED_BOOT_FILES, grubHostsFile, grubNodeFile } from "../nodes/grub";
import { MATCHBOX_DATA_FOLDERS, type HostSettings } from "../remote/installer";
import { dnsmasqFiles } from "../remote/installer/configs";
import { BOOT_FILES } from "../remote/installer/ipxe";
import { HOST_PATHS } from "../remote/installer/paths";
import { IMAGE_NAME, type InstallerOs } from "./installer-os";
import { LAB_BRIDGE, addTap, createLabNetwork, deleteLabNetwork, inNamespace, namespaceExists, removeTap } from "./network";
import { type LabProcess, isRunning, startDetached, stopProcess } from "./processes";
import { LAB_SERVICES, type LabRecord, type LabService, type LabVm, labOf, labPaths, vmFiles } from "./state";
import { type Accel, type Firmware, prepareVmFiles, qemuArgs } from "./vm";

const run = promisify(execFile);
/** The ULA dnsmasq advertises with router lifetime 0: iPXE stops waiting for IPv6 at once. */
const LAB_ULA = "fd00:254::1/64";

/** labNamespace names the lab's network namespace after the environment. */
export const labNamespace = (env: string) => `pxectl-${env}`;

/** LabInputs are what starting the lab needs besides state. */
export interface LabInputs {
  store: StateStore;
  config: ProjectConfig;
  settings: HostSettings;
  stateDir: string;
  tls: TlsPaths;
  installerOs: InstallerOs;
  matchboxBinary: string;
  /** How to run pxectl itself (the gRPC relays are pxectl processes). */
  self: readonly string[];
  clock: Clock;
  progress: (text: string) => void;
  /** Ctrl-C: checked before each part starts and while waiting, so the lab stops starting at once. */
  signal?: AbortSignal;
}

/** labDnsmasqConfig is the config pxectl renders for a real host, with its paths moved into the lab folder. */
export function labDnsmasqConfig(settings: HostSettings, dir: string, grubForAll = false): string {
  const paths = labPaths(dir);
  const facts = { switchInterface: LAB_BRIDGE, uplinkInterface: undefined, publicAddress: undefined, arch: "amd64" as const, resolvers: [] };
  const config = String(dnsmasqFiles(settings, facts, false, { forAll: grubForAll, hostsDir: paths.dhcpHosts })[0]!.content);
  const moved = config
    .replace(`dhcp-leasefile=${HOST_PATHS.dnsmasqLeases}`, `dhcp-leasefile=${paths.leases}`)
    .replace(`tftp-root=${HOST_PATHS.tftpRoot}`, `tftp-root=${paths.tftp}`);
  if (!moved.includes(paths.leases) || !moved.includes(paths.tftp)) throw new Error("internal: the dnsmasq template's paths changed; update labDnsmasqConfig");
  return `${moved}\n# The lab: logs to a file watch follows, and files in the project's folder.\nlog-facility=${paths.dnsmasqLog}\nuser=root\n`;
}

async function sh(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, [...args])).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new LabError(`${command} failed: ${(err.stderr || err.message).trim().split("\n").slice(-3).join(" ")}`, { cause: e });
  }
}

async function record(store: StateStore, change: (lab: LabRecord) => void): Promise<void> {
  await store.update((s) => {
    const lab = labOf(s);
    if (!lab) throw new Error("internal: the lab is not recorded");
    change(lab);
  });
}

async function waitFor<T>(what: string, clock: Clock, timeoutMs: number, attempt: () => Promise<T | undefined>, log?: string, signal?: AbortSignal): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  let last: unknown;
  while (clock.now() < deadline) {
    signal?.throwIfAborted();
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await clock.sleep(100);
  }
  const tail = log ? (await readFile(log, "utf8").catch(() => "")).trim().split("\n").slice(-2).join(" | ") : "";
  throw new LabError(`${what} did not come up in ${timeoutMs / 1000} s${last instanceof Error ? `: ${last.message}` : ""}${tail ? ` (log: ${tail})` : ""}`, {
    hint: log ? `see ${log}` : "run pxectl lab down, then pxectl lab up --verbose",
  });
}

async function startService(i: LabInputs, name: LabService, command: readonly string[], log: string, inside: boolean): Promise<LabProcess> {
  const lab = labOf(i.store.state)!;
  const argv = inside ? inNamespace(lab.namespace, command) : [...command];
  const started = await startDetached(argv[0]!, argv.slice(1), log);
  await record(i.store, (l) => void (l.processes[name] = started));
  return started;
}

/** startLab makes the namespace and starts dnsmasq, matchbox and the gRPC relays; it returns the gRPC endpoint. */
export async function startLab(inputs: LabInputs): Promise<string> {
  const i = { ...inputs, progress: (text: string) => (inputs.signal?.throwIfAborted(), inputs.progress(text)) };
  i.signal?.throwIfAborted();
  const dir = join(i.stateDir, "lab");
  const paths = labPaths(dir);
  const namespace = labNamespace(i.config.name);
  const address = i.settings.switchAddress;
  if (await namespaceExists(namespace)) await deleteLabNetwork(namespace); // a crash's leftover: state had no record of it
  await rm(dir, { recursive: true, force: true });
  await mkdir(paths.vms, { recursive: true });
  await i.store.update((s) => void (s.lab = { namespace, dir, address, processes: {}, vms: {} } satisfies LabRecord as unknown as Record<string, unknown>));
  i.progress("network namespace and bridge");
  await createLabNetwork({ namespace, address: `${address}/${i.settings.network.prefix}`, ula: LAB_ULA });

  i.progress("dnsmasq");
  await mkdir(paths.tftp, { recursive: true });
  for (const file of BOOT_FILES.filter((f) => f.required)) {
    const from = file.candidates.find((c) => c.startsWith("/usr/lib/ipxe/"));
    await copyFile(from!, join(paths.tftp, file.name)).catch(() => copyFile(file.candidates[file.candidates.length - 1]!, join(paths.tftp, file.name)));
  }
  // Secure Boot: shim and Debian's signed network GRUB, its first config, and matchbox's assets for GRUB's TFTP
  for (const file of SIGNED_BOOT_FILES) await copyFile(file.candidates[0], join(paths.tftp, file.name));
  await mkdir(join(paths.tftp, GRUB_TFTP.nodesDir), { recursive: true });
  await writeFile(join(paths.tftp, GRUB_TFTP.mainConfig), GRUB_MAIN_CONFIG);
  await symlink(paths.matchboxAssets, join(paths.tftp, GRUB_TFTP.assets));
  await mkdir(paths.dhcpHosts, { recursive: true });
  await writeFile(paths.dnsmasqConfig, labDnsmasqConfig(i.settings, dir, i.config.nodes.boot_loader === "grub"));
  await sh("dnsmasq", ["--test", "-C", paths.dnsmasqConfig]);
  await startService(i, "dnsmasq", ["dnsmasq", "--keep-in-foreground", "-C", paths.dnsmasqConfig], join(dir, "dnsmasq.out"), true);

  i.progress("matchbox");
  for (const folder of MATCHBOX_DATA_FOLDERS) await mkdir(join(paths.matchboxData, folder), { recursive: true });
  await mkdir(join(paths.matchboxAssets, "lab"), { recursive: true });
  await mkdir(join(paths.matchboxAssets, "pxectl"), { recursive: true });
  await copyFile(i.installerOs.kernel, join(paths.matchboxAssets, "lab/vmlinuz"));
  await copyFile(i.installerOs.initrd, join(paths.matchboxAssets, "lab/initrd.img"));
  await copyFile(i.installerOs.image, join(paths.matchboxAssets, "lab", IMAGE_NAME));
  await writeFile(join(paths.matchboxAssets, "pxectl/localboot.ipxe"), localbootScript);
  const { httpPort, grpcPort } = i.settings.matchbox;
  await startService(
    i,
    "matchbox",
    [i.matchboxBinary, "-address", `${address}:${httpPort}`, "-rpc-address", `${address}:${grpcPort}`, "-data-path", paths.matchboxData, "-assets-path", paths.matchboxAssets,
      "-cert-file", i.tls.server.cert, "-key-file", i.tls.server.key, "-ca-file", i.tls.ca.cert, "-log-level", "debug"],
    paths.matchboxLog,
    true,
  );

  i.progress("gRPC relay");
  await startService(i, "relay-inside", [...i.self, "lab", "relay", "--from", `unix:${paths.grpcSocket}`, "--to", `tcp:${address}:${grpcPort}`], paths.relayLog, true);
  await startService(i, "relay-outside", [...i.self, "lab", "relay", "--from", "tcp:127.0.0.1:0", "--to", `unix:${paths.grpcSocket}`, "--port-file", paths.grpcPort], paths.relayLog, false);
  const port = await waitFor("the gRPC relay", i.clock, 15_000, async () => (await readFile(paths.grpcPort, "utf8").catch(() => "")).trim() || undefined, paths.relayLog, i.signal);
  const endpoint = `127.0.0.1:${port}`;
  await i.store.update((s) => void (s.matchbox = { grpc_endpoint: endpoint, http_endpoint: `http://${address}:${httpPort}` }));

  i.progress("waiting for matchbox");
  await waitFor("matchbox", i.clock, 20_000, async () => {
    const api = await openMatchbox({ endpoint, caFile: i.tls.ca.cert, certFile: i.tls.client.cert, keyFile: i.tls.client.key }, { deadlineMs: 2000 });
    try {
      await api.groupList();
      return true;
    } finally {
      api.close();
    }
  }, paths.matchboxLog, i.signal);
  return endpoint;
}

/** ensureLabTls issues the certificates for the lab's matchbox: its bridge address and loopback (the relay). */
export async function ensureLabTls(tls: TlsPaths, config: ProjectConfig, settings: HostSettings, now: Date): Promise<void> {
  await ensureTls(tls, { env: config.name, serverSans: [settings.switchAddress, "127.0.0.1"], validityDays: config.tls.validity_days, now });
}

/** BootRequest starts one VM. */
export interface BootRequest {
  mac: string;
  name: string;
  firmware: Firmware;
  accel: Accel;
  memoryMB: number;
  /** A blank disk even if the VM has one from an earlier boot. */
  fresh: boolean;
}

/** bootVm starts (or restarts) the VM with this MAC on the lab's bridge. */
export async function bootVm(store: StateStore, r: BootRequest): Promise<LabVm> {
  const lab = labOf(store.state);
  if (!lab) throw new LabError("the lab is not up", { hint: "run pxectl lab up first" });
  const earlier = lab.vms[r.mac];
  if (earlier) await stopVm(store, r.mac);
  const used = new Set(Object.values(labOf(store.state)!.vms).map((v) => v.tap));
  let n = 0;
  while (used.has(`tap${n}`)) n++;
  const tap = `tap${n}`;
  await addTap(lab.namespace, tap);
  const files = vmFiles(lab.dir, r.mac);
  const spec = { name: r.name, mac: r.mac, tap, disk: files.disk, varsFile: files.vars, console: files.console, firmware: r.firmware, accel: r.accel, memoryMB: r.memoryMB };
  await prepareVmFiles(spec, r.fresh);
  await writeFile(files.console, "");
  const argv = inNamespace(lab.namespace, ["qemu-system-x86_64", ...qemuArgs(spec)]);
  const process = await startDetached(argv[0]!, argv.slice(1), `${files.console}.qemu`);
  const vm: LabVm = { mac: r.mac, firmware: r.firmware, tap, process };
  await record(store, (l) => void (l.vms[r.mac] = vm));
  return vm;
}

/** stopVm stops a VM and unplugs its tap; its disk stays. */
export async function stopVm(store: StateStore, mac: string): Promise<void> {
  const lab = labOf(store.state);
  const vm = lab?.vms[mac];
  if (!lab || !vm) return;
  if (vm.bmc) {
    const { stopBmcVm } = await import("./bmc");
    await stopBmcVm(lab.namespace, { ...vm, bmc: vm.bmc });
  } else {
    await stopProcess(vm.process);
    await removeTap(lab.namespace, vm.tap);
  }
  await record(store, (l) => void delete l.vms[mac]);
}

/** stopLab stops every VM and program and removes the namespace; the lab folder stays for its logs. */
export async function stopLab(store: StateStore): Promise<{ stopped: number }> {
  const lab = labOf(store.state);
  if (!lab) return { stopped: 0 };
  let stopped = 0;
  for (const mac of Object.keys(lab.vms)) {
    await stopVm(store, mac);
    stopped++;
  }
  for (const name of [...LAB_SERVICES].reverse()) {
    const p = lab.processes[name];
    if (p && (await isRunning(p))) {
      await stopProcess(p);
      stopped++;
    }
  }
  await deleteLabNetwork(lab.namespace);
  await store.update((s) => {
    s.lab = null;
    s.matchbox = null;
    for (const n of Object.values(s.nodes)) if (n.stage) Object.assign(n, { stage: "declared" });
  });
  return { stopped };
}

/** ServiceStatus is one program's or VM's state, for lab status. */
export interface ServiceStatus {
  name: string;
  pid: number | null;
  running: boolean;
  detail: string;
}

/** labServices tells which of the lab's programs and VMs still run. */
export async function labServices(lab: LabRecord): Promise<ServiceStatus[]> {
  const rows: ServiceStatus[] = [];
  for (const name of LAB_SERVICES) {
    const p = lab.processes[name];
    rows.push({ name, pid: p?.pid ?? null, running: p ? await isRunning(p) : false, detail: p?.log ?? "not started" });
  }
  for (const vm of Object.values(lab.vms)) {
    const console = await readFile(vmFiles(lab.dir, vm.mac).console, "utf8").catch(() => "");
    const last = console.split("\n").filter((l) => l.startsWith("PXECTL-LAB")).pop() ?? "";
    if (vm.bmc) {
      const { machinePid } = await import("./bmc");
      const pid = await machinePid(vm.bmc, vm.mac);
      rows.push({ name: `bmc ${vm.mac} (ipmi_sim, port ${vm.bmc.port})`, pid: vm.process.pid, running: await isRunning(vm.process), detail: `power ${pid ? "on" : "off"}` });
      rows.push({ name: `vm ${vm.mac} (${vm.firmware})`, pid: pid ?? null, running: pid !== undefined, detail: pid ? last.replace(/^PXECTL-LAB-?:? ?/, "") || "booting" : "powered off by its BMC" });
      continue;
    }
    rows.push({ name: `vm ${vm.mac} (${vm.firmware})`, pid: vm.process.pid, running: await isRunning(vm.process), detail: last.replace(/^PXECTL-LAB-?:? ?/, "") || "booting" });
  }
  return rows;
}

/**
 * writeGrubNodes makes the lab's per-node Secure Boot files exactly these nodes': each one's
 * GRUB config in the TFTP root and its dnsmasq tag (a dhcp-hostsdir file, read on change);
 * other nodes' files go. The lab's dnsmasq keeps a removed node's tag until the lab restarts
 * (it forgets one only on SIGHUP, which makes dnsmasq 2.90 abort once the host has a lease).
 */
export async function writeGrubNodes(lab: LabRecord, nodes: readonly GrubNodeFiles[]): Promise<void> {
  const paths = labPaths(lab.dir);
  const keep = new Set<string>();
  for (const node of nodes) {
    const tag = grubHostsFile(node.mac);
    keep.add(join(paths.dhcpHosts, tag.name));
    await writeFile(join(paths.dhcpHosts, tag.name), tag.content);
    if (node.config !== undefined) {
      keep.add(join(paths.tftp, grubNodeFile(node.mac)));
      await writeFile(join(paths.tftp, grubNodeFile(node.mac)), node.config);
    }
  }
  for (const dir of [paths.dhcpHosts, join(paths.tftp, GRUB_TFTP.nodesDir)]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!keep.has(join(dir, name))) await rm(join(dir, name), { force: true });
    }
  }
}
