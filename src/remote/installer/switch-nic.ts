// On SakuraCloud, disk edit configures only NIC 0; the switch-side NIC (NIC 1) gets its
// static address here, matched by the MAC the API reported, so interface naming on the
// host does not matter. On Ubuntu with netplan (its network configuration); on Debian,
// whose images configure NIC 0 with ifupdown, with systemd-networkd (part of Debian 12's
// systemd), which then manages NIC 1 only and leaves NIC 0 to ifupdown.
import { createHash } from "node:crypto";
import netplanTemplate from "../../../templates/netplan-switch.yaml.tmpl";
import networkdTemplate from "../../../templates/networkd-switch.network.tmpl";
import { type Clock, systemClock } from "../../core/clock";
import { RemoteError } from "../../core/errors";
import { type Poll, waitFor } from "../../wait";
import type { RemoteHost } from "../host";
import { type DesiredFile, FileSet } from "./files";
import { render } from "./render";
import type { StepResult } from "./step";
import { type Action, Target } from "./target";

export const NETPLAN_SWITCH_FILE = "/etc/netplan/60-pxectl-switch.yaml";
export const NETWORKD_SWITCH_FILE = "/etc/systemd/network/60-pxectl-switch.network";

/** SwitchNicMethod is how the host's OS configures its NICs: netplan (Ubuntu) or systemd-networkd (Debian). */
export type SwitchNicMethod = "netplan" | "networkd";

/** SwitchNicResult says which NIC carries the switch address now. */
export interface SwitchNicResult extends StepResult {
  interface: string;
  /** What was run to apply it (or, under a root prefix, recorded). */
  actions: Action[];
}

interface Link {
  ifname: string;
  address?: string;
  addr_info?: Array<{ family: string; local: string; prefixlen: number }>;
}

const ADDRESS_TIMEOUT_MS = 30_000;

/**
 * switchUla is the IPv6 unique local prefix (RFC 4193) the host takes on the switch, from the
 * NIC's MAC so it stays the same across runs. It exists only so dnsmasq can send a router
 * advertisement (lifetime 0, not a default router): iPXE then stops waiting for IPv6 at once
 * instead of about 13 s per boot.
 */
export function switchUla(mac: string): string {
  const id = createHash("sha256").update(mac.toLowerCase()).digest("hex").slice(0, 10);
  // written as ip(8) shows it: no leading zeros in a group
  const group = (hex: string) => hex.replace(/^0+(?=.)/, "");
  return `fd${id.slice(0, 2)}:${group(id.slice(2, 6))}:${group(id.slice(6, 10))}::1/64`;
}

/** switchNicFile is the configuration file for the NIC with this MAC (address in CIDR form, ula beside it when set). */
export function switchNicFile(method: SwitchNicMethod, mac: string, address: string, ula?: string): DesiredFile {
  const data = { mac: mac.toLowerCase(), address, ula };
  // netplan warns about (and some versions refuse) configuration readable by others; networkd
  // reads its files as the systemd-network user
  return method === "netplan"
    ? { path: NETPLAN_SWITCH_FILE, content: render("netplan-switch.yaml", netplanTemplate, data), mode: 0o600 }
    : { path: NETWORKD_SWITCH_FILE, content: render("networkd-switch.network", networkdTemplate, data), mode: 0o644 };
}

const APPLY: Record<SwitchNicMethod, { command: string; label: string }> = {
  netplan: { command: "netplan apply", label: "netplan apply" },
  // enable: the address comes back at boot; reload: a running networkd reads the new file
  networkd: { command: "systemctl enable --now systemd-networkd.service && networkctl reload", label: "start systemd-networkd and reload its files" },
};

/** configureSwitchNic gives the NIC with this MAC the switch address (CIDR form), and the ULA when set, and applies it. */
export async function configureSwitchNic(host: RemoteHost, o: { mac: string; address: string; ula?: string; method?: SwitchNicMethod; root?: string; clock?: Clock }): Promise<SwitchNicResult> {
  const method = o.method ?? "netplan";
  const target = new Target(host, o.root);
  const nic = (await links(target)).find((l) => l.address?.toLowerCase() === o.mac.toLowerCase());
  if (!nic) {
    throw new RemoteError(`no NIC on ${host.label} has the MAC ${o.mac} that SakuraCloud reports for its switch-side NIC`, {
      hint: "check the server's NICs in the control panel; NIC 1 must be connected to the switch",
    });
  }
  const files = await FileSet.plan(target, [switchNicFile(method, o.mac, o.address, o.ula)]);
  const activated = await files.apply();
  if (activated.paths.length > 0) {
    try {
      await target.act(APPLY[method].command, { label: APPLY[method].label, timeoutMs: 120_000 });
      if (target.live) await waitForAddress(target, o.mac, o.address, o.clock ?? systemClock);
    } catch (e) {
      await activated.rollback();
      throw e;
    }
  }
  await activated.finish();
  return { changed: activated.paths.length > 0, details: [`${nic.ifname} (${o.mac}) has ${o.address}${o.ula ? ` and ${o.ula}` : ""}`], interface: nic.ifname, actions: target.actions };
}

async function links(target: Target): Promise<Link[]> {
  return JSON.parse((await target.run("ip -j addr show", { label: "list network interfaces", logOutput: false })).stdout) as Link[];
}

// netplan apply and networkd's reload return before the address is on the NIC
async function waitForAddress(target: Target, mac: string, address: string, clock: Clock): Promise<void> {
  const [ip, prefix] = address.split("/");
  await waitFor(
    async (): Promise<Poll<true>> => {
      const nic = (await links(target)).find((l) => l.address?.toLowerCase() === mac.toLowerCase());
      const has = nic?.addr_info?.some((a) => a.family === "inet" && a.local === ip && String(a.prefixlen) === prefix);
      return has ? { state: "success", value: true } : { state: "retry", seen: `${nic?.ifname ?? mac} has ${nic?.addr_info?.map((a) => `${a.local}/${a.prefixlen}`).join(", ") || "no address"}` };
    },
    { what: `${address} on the switch-side NIC ${mac}`, minDelayMs: 500, maxDelayMs: 2000, timeoutMs: ADDRESS_TIMEOUT_MS, clock },
  );
}
