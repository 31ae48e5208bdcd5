import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { parseMachineMac } from "../../core/mac";
import { bootVm } from "../../lab/lab";
import { checkLabPrerequisites } from "../../lab/prerequisites";
import type { Accel, Firmware } from "../../lab/vm";
import type { BootedVm } from "../../project";

export interface BootOptions {
  macs: string[];
  firmware: Firmware;
  accel: Accel;
  memory: number;
  fresh?: boolean;
}

/** run starts a VM for each MAC; a MAC no node has boots anyway (it is what an unknown machine does). */
export async function run(o: BootOptions, ctx: Context): Promise<CommandResult<BootedVm[]>> {
  const macs = o.macs.map((m) => parseMachineMac(m));
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
