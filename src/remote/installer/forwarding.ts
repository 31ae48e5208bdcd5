// Routing for the nodes when the host is their gateway (network.forward): ip_forward on,
// and table ip pxectl (SNAT out of the uplink, nothing opened from outside) loaded by
// pxectl-nat.service. With forwarding off, what an earlier run set up is taken away.
import { quoteAll } from "../shell";
import { forwardingFiles } from "./configs";
import type { HostFacts } from "./facts";
import { FileSet, allOf } from "./files";
import { HOST_PATHS, UNITS } from "./paths";
import type { HostSettings } from "./settings";
import type { StepResult } from "./step";
import type { Target } from "./target";
import { nftCheck, systemdVerify } from "./validators";

/** ForwardingResult says which files changed, for the services step. */
export interface ForwardingResult extends StepResult {
  /** Target paths written. */
  activated: readonly string[];
  /** pxectl-nat.service's unit file was removed: systemd must reload. */
  unitRemoved: boolean;
}

/** ensureForwarding sets up (or removes) forwarding and NAT. */
export async function ensureForwarding(target: Target, settings: HostSettings, facts: HostFacts): Promise<ForwardingResult> {
  if (!settings.forward) return removeForwarding(target);
  const files = await FileSet.plan(target, forwardingFiles(settings, facts));
  const { paths: activated } = await files.apply(allOf(nftCheck(target, HOST_PATHS.natRules), systemdVerify(target, [UNITS.nat])));
  const details = activated.map((p) => `wrote ${p}`);
  // the sysctl file takes effect at boot; the running kernel is set now
  const forwardingOff = target.live && (await target.readText("/proc/sys/net/ipv4/ip_forward"))?.trim() !== "1";
  const applySysctl = activated.includes(HOST_PATHS.ipForward) || forwardingOff;
  if (applySysctl) {
    await target.act("sysctl -w net.ipv4.ip_forward=1", { label: "sysctl -w net.ipv4.ip_forward=1" });
    details.push("turned on net.ipv4.ip_forward");
  }
  if (details.length === 0) details.push(`NAT from ${settings.network.cidr} out of ${facts.uplinkInterface} is up to date`);
  return { changed: activated.length > 0 || applySysctl, details, activated, unitRemoved: false };
}

async function removeForwarding(target: Target): Promise<ForwardingResult> {
  const paths = [HOST_PATHS.natUnit, HOST_PATHS.natRules, HOST_PATHS.ipForward];
  const present = (await target.run(`for f in ${quoteAll(paths.map((p) => target.path(p)))}; do if [ -e "$f" ]; then echo "$f"; fi; done`, { label: "look for NAT files" })).stdout.split("\n").filter(Boolean);
  if (present.length === 0) return { changed: false, details: ["forwarding is off (network.forward: false)"], activated: [], unitRemoved: false };
  // stopping the unit deletes table ip pxectl (its ExecStop); disabling works offline too
  if (present.includes(target.path(HOST_PATHS.natUnit))) {
    await target.act(`systemctl stop ${UNITS.nat}`, { label: `systemctl stop ${UNITS.nat}` });
    await target.run(target.systemctl("disable", UNITS.nat), { label: `systemctl disable ${UNITS.nat}` });
  }
  await target.run(`rm -f -- ${quoteAll(present)}`, { label: "remove NAT files" });
  // pxectl's sysctl file turned forwarding on, so pxectl turns it off: without NAT the host
  // would otherwise route the nodes' packets out with their switch addresses
  const turnedOff = present.includes(target.path(HOST_PATHS.ipForward));
  if (turnedOff) await target.act("sysctl -w net.ipv4.ip_forward=0", { label: "sysctl -w net.ipv4.ip_forward=0" });
  return {
    changed: true,
    details: [`removed NAT${turnedOff ? " and turned off net.ipv4.ip_forward" : ""} (network.forward: false)`],
    activated: [],
    unitRemoved: present.includes(target.path(HOST_PATHS.natUnit)),
  };
}
