import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { parseMac } from "../../core/mac";
import type { ProjectConfig } from "../../config/project";
import type { StateStore } from "../../config/state";
import { bootVm, writeGrubNodes } from "../../lab/lab";
import { labOf } from "../../lab/state";
import { bootLoaderOf, renderGrubForNode } from "../../nodes/grub";
import { checkLabPrerequisites } from "../../lab/prerequisites";
import type { Accel, Firmware } from "../../lab/vm";
import { nextNames } from "../../nodes/register";
import { push } from "../profile/apply";
import { matchboxHttpEndpoint } from "../../matchbox/apply";
import { loadDesired } from "../profile/load";

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
export async function bootAll(ctx: Context, store: StateStore, config: ProjectConfig, o: { vms: number; firmware: Firmware; accel: Accel; memory: number }): Promise<BootedVm[]> {
  const taken = new Set(Object.values(store.state.nodes).map((n) => n.mac));
  const macs: string[] = [];
  for (let i = 1; macs.length < o.vms && i < 256; i++) {
    const mac = `${LAB_MAC_PREFIX}:${i.toString(16).padStart(2, "0")}`;
    if (!taken.has(mac)) macs.push(mac);
  }
  const names = nextNames(config.nodes.name_prefix, macs.length, store.state.nodes);
  const now = new Date(ctx.clock.now()).toISOString();
  // a Secure Boot VM gets shim and GRUB: Debian's iPXE is not signed
  const loader = o.firmware === "uefi-secure" ? { boot_loader: "grub" } : {};
  await store.update((s) => names.forEach((name, i) => void (s.nodes[name] = { mac: macs[i]!, ...loader, stage: "declared", created_at: now })));
  await push({ prune: false }, ctx);
  await syncGrubNodes(ctx, store, config);
  for (const [i, mac] of macs.entries()) await bootVm(store, { mac, name: names[i]!, firmware: o.firmware, accel: o.accel, memoryMB: o.memory, fresh: true });
  return macs.map((mac, i) => ({ name: names[i]!, mac, registered: true }));
}

/** run starts a VM for each MAC; a MAC no node has boots anyway (it is what an unknown machine does). */
export async function run(o: BootOptions, ctx: Context): Promise<CommandResult<BootedVm[]>> {
  const macs = o.macs.map((m) => parseMac(m));
  await checkLabPrerequisites({ env: ctx.env, uid: process.getuid?.() ?? 0, firmwares: [o.firmware] });
  const store = await ctx.writeState();
  await syncGrubNodes(ctx, store, await ctx.project().then((p) => p.config));
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

/** syncGrubNodes writes, for each node that boots GRUB, matchbox's /grub answer into the lab's TFTP root. */
async function syncGrubNodes(ctx: Context, store: StateStore, config: ProjectConfig): Promise<void> {
  const lab = labOf(store.state);
  if (!lab) return;
  const nodes = Object.values(store.state.nodes);
  const grub = nodes.filter((n) => bootLoaderOf(n, config.nodes) === "grub");
  if (grub.length === 0) return writeGrubNodes(lab, []);
  const { desired } = await loadDesired(ctx, undefined);
  const content = { groups: [...desired.groups.values()], profile: (id: string) => desired.profiles.get(id), ignition: () => undefined };
  const http = matchboxHttpEndpoint(config);
  await writeGrubNodes(
    lab,
    grub.map((n) => {
      const rendering = renderGrubForNode(content, n.mac, http);
      if (rendering.problem) ctx.out.warn(`node ${n.mac}: ${rendering.problem}`);
      return { mac: n.mac, grub: true, config: rendering.tftp };
    }),
  );
}
