import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { parseMac } from "../../core/mac";
import type { ProjectConfig } from "../../config/project";
import type { StateStore } from "../../config/state";
import { writeBmcPassword } from "../../bmc";
import { LAB_BMC_FIRST_PORT, LAB_BMC_USER, labBmcPassword, startBmcVm } from "../../lab/bmc";
import { bootVm } from "../../lab/lab";
import { labOf } from "../../lab/state";
import { powerNodes } from "../../nodes/bmc";
import { checkLabPrerequisites } from "../../lab/prerequisites";
import type { Accel, Firmware } from "../../lab/vm";
import { nextNames } from "../../nodes/register";
import { push } from "../profile/apply";

export interface BootOptions {
  macs: string[];
  firmware: Firmware;
  accel: Accel;
  memory: number;
  fresh?: boolean;
}

export interface BootedVm {
  name: string;
  mac: string;
  registered: boolean;
}

/** LAB_MAC_PREFIX is the lab's own MAC range ("px" in the fourth and fifth bytes). */
const LAB_MAC_PREFIX = "52:54:00:70:78";

/** bootAll registers `vms` new nodes with lab MACs, pushes their groups and boots them (lab up --vms). */
export async function bootAll(ctx: Context, store: StateStore, config: ProjectConfig, o: { vms: number; firmware: Firmware; accel: Accel; memory: number; bmc?: boolean }): Promise<BootedVm[]> {
  const taken = new Set(Object.values(store.state.nodes).map((n) => n.mac));
  const macs: string[] = [];
  for (let i = 1; macs.length < o.vms && i < 256; i++) {
    const mac = `${LAB_MAC_PREFIX}:${i.toString(16).padStart(2, "0")}`;
    if (!taken.has(mac)) macs.push(mac);
  }
  const names = nextNames(config.nodes.name_prefix, macs.length, store.state.nodes);
  const now = new Date(ctx.clock.now()).toISOString();
  if (o.bmc) return bootWithBmcs(ctx, store, o, macs, names, now);
  await store.update((s) => names.forEach((name, i) => void (s.nodes[name] = { mac: macs[i]!, stage: "declared", created_at: now })));
  await push({ prune: false }, ctx);
  for (const [i, mac] of macs.entries()) await bootVm(store, { mac, name: names[i]!, firmware: o.firmware, accel: o.accel, memoryMB: o.memory, fresh: true });
  return macs.map((mac, i) => ({ name: names[i]!, mac, registered: true }));
}

/**
 * bootWithBmcs registers the VMs with their BMCs (ipmi_sim on the lab bridge, a password of
 * their own in .pxectl/bmc/), starts the BMCs and powers the VMs on through them, as
 * pxectl powers any machine with a BMC: ipmitool runs in the lab's namespace, the lab's "host".
 */
async function bootWithBmcs(ctx: Context, store: StateStore, o: { firmware: Firmware; accel: Accel; memory: number }, macs: string[], names: string[], now: string): Promise<BootedVm[]> {
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
    await startBmcVm(store, { spec: { name: names[i]!, mac, firmware: o.firmware, accel: o.accel, memoryMB: o.memory }, port: ports[i]!, user: LAB_BMC_USER, password: passwords[i]!, fresh: true });
  }
  const { failures } = await powerNodes(ctx, store, names, "on", { networkBootFirst: true });
  if (failures[0]) throw failures[0];
  return macs.map((mac, i) => ({ name: names[i]!, mac, registered: true }));
}

/** run starts a VM for each MAC; a MAC no node has boots anyway (it is what an unknown machine does). */
export async function run(o: BootOptions, ctx: Context): Promise<CommandResult<BootedVm[]>> {
  const macs = o.macs.map((m) => parseMac(m));
  await checkLabPrerequisites({ env: ctx.env, uid: process.getuid?.() ?? 0, firmwares: [o.firmware] });
  const store = await ctx.writeState();
  const booted: BootedVm[] = [];
  for (const mac of macs) {
    const node = Object.entries(store.state.nodes).find(([, n]) => n.mac === mac)?.[0];
    await bootVm(store, { mac, name: node ?? `lab-${mac.replaceAll(":", "")}`, firmware: o.firmware, accel: o.accel, memoryMB: o.memory, fresh: Boolean(o.fresh) });
    booted.push({ name: node ?? "-", mac, registered: Boolean(node) });
  }
  return {
    value: booted,
    render: (v, s) =>
      v
        .map((vm) => `${s.green("✓")} booting ${vm.mac}${vm.registered ? ` (node ${vm.name})` : ` ${s.yellow("(no node has this MAC: pxectl node add --mac " + vm.mac + ")")}`}`)
        .join("\n"),
  };
}
