// On SakuraCloud, disk edit configures only NIC 0; the switch-side NIC (NIC 1) gets its
// static address here, with netplan (Ubuntu's network configuration), matched by the MAC
// the API reported, so interface naming on the host does not matter.
import netplanTemplate from "../../../templates/netplan-switch.yaml.tmpl";
import { RemoteError } from "../../core/errors";
import type { RemoteHost } from "../host";
import { FileSet } from "./files";
import { render } from "./render";
import type { StepResult } from "./step";
import { Target } from "./target";

export const NETPLAN_SWITCH_FILE = "/etc/netplan/60-pxectl-switch.yaml";

/** SwitchNicResult says which NIC carries the switch address now. */
export interface SwitchNicResult extends StepResult {
  interface: string;
}

interface Link {
  ifname: string;
  address?: string;
}

/** configureSwitchNic gives the NIC with this MAC the switch address (CIDR form) and applies it. */
export async function configureSwitchNic(host: RemoteHost, o: { mac: string; address: string; root?: string }): Promise<SwitchNicResult> {
  const target = new Target(host, o.root);
  const links = JSON.parse((await target.run("ip -j link show", { label: "list network interfaces", logOutput: false })).stdout) as Link[];
  const nic = links.find((l) => l.address?.toLowerCase() === o.mac.toLowerCase());
  if (!nic) {
    throw new RemoteError(`no NIC on ${host.label} has the MAC ${o.mac} that SakuraCloud reports for its switch-side NIC`, {
      hint: "check the server's NICs in the control panel; NIC 1 must be connected to the switch",
    });
  }
  const content = render("netplan-switch.yaml", netplanTemplate, { mac: o.mac.toLowerCase(), address: o.address });
  // netplan warns about (and some versions refuse) configuration readable by others
  const files = await FileSet.plan(target, [{ path: NETPLAN_SWITCH_FILE, content, mode: 0o600 }]);
  const activated = await files.apply();
  if (activated.paths.length > 0) {
    try {
      await target.act("netplan apply", { label: "netplan apply", timeoutMs: 120_000 });
    } catch (e) {
      await activated.rollback();
      throw e;
    }
  }
  await activated.finish();
  return { changed: activated.paths.length > 0, details: [`${nic.ifname} (${o.mac}) has ${o.address}`], interface: nic.ifname };
}
