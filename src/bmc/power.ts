// Power through a BMC: status, on, off, cycle, and the one-time network boot reinstall asks
// for. A cycle of a machine that is off is a power-on: many BMCs refuse to cycle what is off.
import { RemoteError } from "../core/errors";
import { type BmcTarget, type IpmiRunner, ipmi } from "./ipmitool";

export type PowerState = "on" | "off";
export type PowerAction = "status" | "on" | "off" | "cycle";
export const POWER_ACTIONS: readonly PowerAction[] = ["status", "on", "off", "cycle"];

/** powerStatus asks the BMC whether the chassis is on. */
export async function powerStatus(runner: IpmiRunner, t: BmcTarget, signal?: AbortSignal): Promise<PowerState> {
  const out = await ipmi(runner, t, ["chassis", "power", "status"], signal);
  const m = /Chassis Power is (on|off)/i.exec(out);
  if (!m) throw new RemoteError(`node ${t.node}: BMC ${t.label} answered "chassis power status" with ${JSON.stringify(out.trim().slice(0, 80))}`, { hint: "the BMC may not follow IPMI 2.0's chassis commands" });
  return m[1]!.toLowerCase() as PowerState;
}

export interface PowerOutcome {
  state: PowerState;
  /** What pxectl asked the BMC to do: nothing for status. */
  did: "nothing" | "power on" | "power off" | "power cycle" | "already on" | "already off";
}

/** power does one action; on and off of a machine already so are no-ops. */
export async function power(runner: IpmiRunner, t: BmcTarget, action: PowerAction, signal?: AbortSignal): Promise<PowerOutcome> {
  const now = await powerStatus(runner, t, signal);
  if (action === "status") return { state: now, did: "nothing" };
  if (action === "on" || (action === "cycle" && now === "off")) {
    if (action === "on" && now === "on") return { state: "on", did: "already on" };
    await ipmi(runner, t, ["chassis", "power", "on"], signal);
    return { state: "on", did: "power on" };
  }
  if (action === "off") {
    if (now === "off") return { state: "off", did: "already off" };
    await ipmi(runner, t, ["chassis", "power", "off"], signal);
    return { state: "off", did: "power off" };
  }
  await ipmi(runner, t, ["chassis", "power", "cycle"], signal);
  return { state: "on", did: "power cycle" };
}

/** bootFromNetworkOnce asks for a network boot at the next power-on only (IPMI boot flags, not persistent). */
export async function bootFromNetworkOnce(runner: IpmiRunner, t: BmcTarget, signal?: AbortSignal): Promise<void> {
  await ipmi(runner, t, ["chassis", "bootdev", "pxe"], signal);
}
