// The lab's VMs as a use case: register nodes with lab MACs, push their groups, boot them.
import type { ProjectConfig } from "../config/project";
import type { StateStore } from "../config/state";
import { bootVm } from "../lab/lab";
import type { Accel, Firmware } from "../lab/vm";
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

/** bootAll registers `vms` new nodes with lab MACs, pushes their groups and boots them (lab up --vms). */
export async function bootAll(ctx: Session, store: StateStore, config: ProjectConfig, o: { vms: number; firmware: Firmware; accel: Accel; memory: number }): Promise<BootedVm[]> {
  const taken = new Set(Object.values(store.state.nodes).map((n) => n.mac));
  const macs: string[] = [];
  for (let i = 1; macs.length < o.vms && i < 256; i++) {
    const mac = `${LAB_MAC_PREFIX}:${i.toString(16).padStart(2, "0")}`;
    if (!taken.has(mac)) macs.push(mac);
  }
  const names = nextNames(config.nodes.name_prefix, macs.length, store.state.nodes);
  const now = new Date(ctx.clock.now()).toISOString();
  await store.update((s) => names.forEach((name, i) => void (s.nodes[name] = { mac: macs[i]!, stage: "declared", created_at: now })));
  await push({ prune: false }, ctx);
  for (const [i, mac] of macs.entries()) await bootVm(store, { mac, name: names[i]!, firmware: o.firmware, accel: o.accel, memoryMB: o.memory, fresh: true });
  return macs.map((mac, i) => ({ name: names[i]!, mac, registered: true }));
}
