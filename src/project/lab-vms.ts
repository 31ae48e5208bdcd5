// The lab's VMs as a use case: register nodes with lab MACs, push their groups, boot them.
import type { ProjectConfig } from "../config/project";
import type { StateStore } from "../config/state";
import { writeBmcPassword } from "../bmc";
import { LAB_BMC_FIRST_PORT, LAB_BMC_USER, labBmcPassword, startBmcVm } from "../lab/bmc";
import { bootVm } from "../lab/lab";
import { isRunning } from "../lab/processes";
import { labOf } from "../lab/state";
import type { Accel, Firmware } from "../lab/vm";
import { powerNodes } from "../nodes/bmc";
import { nextNames } from "../nodes/register";
import { push } from "./push";
import type { Session } from "./session";

export interface BootedVm {
  name: string;
  mac: string;
  registered: boolean;
}

/** LAB_MAC_PREFIX is the lab's own MAC range ("px" in the fourth and fifth bytes). */
const LAB_MAC_PREFIX = "52:54:00:70:78";

/** isLabMac tells the MACs lab up gives its VMs. */
export const isLabMac = (mac: string) => mac.startsWith(`${LAB_MAC_PREFIX}:`);

/** LabVmsResult is what convergeVms did: VMs kept running, booted for registered nodes, and new. */
export interface LabVmsResult {
  kept: BootedVm[];
  booted: BootedVm[];
  added: BootedVm[];
  /** Lab nodes beyond --vms, left as they are. */
  extra: string[];
}

/**
 * convergeVms makes `vms` lab VMs exist and run: a running VM is kept as it is, a registered
 * lab node without a running VM is booted from its own disk, and only the difference is
 * registered anew (lab up --vms N, run again, does not add N more).
 */
export async function convergeVms(ctx: Session, store: StateStore, config: ProjectConfig, o: { vms: number; firmware: Firmware; accel: Accel; memory: number }): Promise<LabVmsResult> {
  const lab = labOf(store.state);
  const labNodes = Object.entries(store.state.nodes)
    .filter(([, n]) => isLabMac(n.mac))
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  const running = new Set<string>();
  for (const vm of Object.values(lab?.vms ?? {})) if (await isRunning(vm.process)) running.add(vm.mac);
  const kept = labNodes.filter(([, n]) => running.has(n.mac)).map(([name, n]) => ({ name, mac: n.mac, registered: true }));
  const idle = labNodes.filter(([, n]) => !running.has(n.mac));
  const need = Math.max(0, o.vms - kept.length);
  const booted: BootedVm[] = [];
  for (const [name, n] of idle.slice(0, need)) {
    ctx.signal.throwIfAborted();
    await bootVm(store, { mac: n.mac, name, firmware: o.firmware, accel: o.accel, memoryMB: o.memory, fresh: false });
    booted.push({ name, mac: n.mac, registered: true });
  }
  const added = need > booted.length ? await bootAll(ctx, store, config, { ...o, vms: need - booted.length }) : [];
  const extra = idle.slice(need).map(([name]) => name);
  return { kept, booted, added, extra };
}

/** bootAll registers `vms` new nodes with lab MACs, pushes their groups and boots them (lab up --vms). */
export async function bootAll(ctx: Session, store: StateStore, config: ProjectConfig, o: { vms: number; firmware: Firmware; accel: Accel; memory: number; bmc?: boolean }): Promise<BootedVm[]> {
  const taken = new Set(Object.values(store.state.nodes).map((n) => n.mac));
  const macs: string[] = [];
  for (let i = 1; macs.length < o.vms && i < 256; i++) {
    const mac = `${LAB_MAC_PREFIX}:${i.toString(16).padStart(2, "0")}`;
    if (!taken.has(mac)) macs.push(mac);
  }
  const names = nextNames(config.nodes.name_prefix, macs.length, store.state.nodes);
  const now = new Date(ctx.clock.now()).toISOString();
  if (o.bmc) return bootWithBmcs(ctx, store, o, macs, names, now);
  // a Secure Boot VM gets shim and GRUB: Debian's iPXE is not signed
  const loader = o.firmware === "uefi-secure" ? { boot_loader: "grub" } : {};
  await store.update((s) => names.forEach((name, i) => void (s.nodes[name] = { mac: macs[i]!, ...loader, stage: "declared", created_at: now })));
  // push writes the Secure Boot VMs' GRUB configs too
  await push({ prune: false }, ctx);
  for (const [i, mac] of macs.entries()) {
    ctx.signal.throwIfAborted();
    await bootVm(store, { mac, name: names[i]!, firmware: o.firmware, accel: o.accel, memoryMB: o.memory, fresh: true });
  }
  return macs.map((mac, i) => ({ name: names[i]!, mac, registered: true }));
}

/**
 * bootWithBmcs registers the VMs with their BMCs (ipmi_sim on the lab bridge, a password of
 * their own in .pxectl/bmc/), starts the BMCs and powers the VMs on through them, as
 * pxectl powers any machine with a BMC: ipmitool runs in the lab's namespace, the lab's "host".
 */
async function bootWithBmcs(ctx: Session, store: StateStore, o: { firmware: Firmware; accel: Accel; memory: number }, macs: string[], names: string[], now: string): Promise<BootedVm[]> {
  const lab = labOf(store.state)!;
  const taken = new Set(Object.values(lab.vms).flatMap((v) => (v.bmc ? [v.bmc.port] : [])));
  const ports: number[] = [];
  for (let port = LAB_BMC_FIRST_PORT + 1; ports.length < macs.length; port++) if (!taken.has(port)) ports.push(port);
  const passwords = macs.map(() => labBmcPassword());
  for (const [i, name] of names.entries()) {
    ctx.out.redactor.add(passwords[i]);
    await writeBmcPassword(ctx.stateDir, name, passwords[i]!);
  }
  await store.update((s) =>
    names.forEach((name, i) => void (s.nodes[name] = { mac: macs[i]!, stage: "declared", created_at: now, bmc: { url: `ipmi://${lab.address}:${ports[i]}`, user: LAB_BMC_USER, via: "host" } })),
  );
  await push({ prune: false }, ctx);
  for (const [i, mac] of macs.entries()) {
    ctx.signal.throwIfAborted();
    await startBmcVm(store, { spec: { name: names[i]!, mac, firmware: o.firmware, accel: o.accel, memoryMB: o.memory }, port: ports[i]!, user: LAB_BMC_USER, password: passwords[i]!, fresh: true });
  }
  const { failures } = await powerNodes(ctx, store, names, "on", { networkBootFirst: true });
  if (failures[0]) throw failures[0];
  return macs.map((mac, i) => ({ name: names[i]!, mac, registered: true }));
}
