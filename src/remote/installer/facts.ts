// What the installer learns from the host itself: which NIC is on the switch (the one
// carrying the switch address, unless network.interface names it), the uplink and its
// address (gRPC listens there), the CPU architecture and the host's own DNS resolvers.
// One command collects everything; the parsing is pure and tested on captured output.
import { RemoteError } from "../../core/errors";
import type { RemoteHost } from "../host";
import { parseIpv4 } from "./ipv4";

/** HostFacts are discovered on the host, not configured. */
export interface HostFacts {
  /** The NIC on the provisioning switch: dnsmasq binds only to it. */
  switchInterface: string;
  /** The NIC of the default route, where NATed traffic leaves; undefined without a default route. */
  uplinkInterface: string | undefined;
  /** The uplink's IPv4 address: the operator reaches gRPC there. */
  publicAddress: string | undefined;
  /** matchbox's release architecture for this CPU. */
  arch: "amd64" | "arm64";
  /** The host's upstream resolvers (loopback stubs left out). */
  resolvers: string[];
}

/** Interface is one NIC's IPv4 addresses, from `ip -j -4 addr`. */
export interface InterfaceAddresses {
  name: string;
  addresses: string[];
}

const SECTION = "### pxectl:";
const DISCOVERY = [
  `echo '${SECTION}addr'`,
  "ip -j -4 addr show",
  `echo; echo '${SECTION}route'`,
  "ip -j -4 route show default",
  `echo; echo '${SECTION}arch'`,
  "uname -m",
  `echo '${SECTION}resolv'`,
  // systemd-resolved keeps the real upstream servers here; /etc/resolv.conf names its stub
  "cat /run/systemd/resolve/resolv.conf 2>/dev/null || cat /etc/resolv.conf 2>/dev/null || true",
].join("\n");

/** discoverHostFacts asks the host about its NICs, routes, CPU and resolvers. */
export async function discoverHostFacts(host: RemoteHost, o: { switchAddress: string; interface?: string }): Promise<HostFacts> {
  const { stdout } = await host.exec(DISCOVERY, { label: "discover network interfaces", idempotent: true });
  const sections = splitSections(stdout);
  const interfaces = parseAddresses(sections.get("addr") ?? "[]");
  const uplinkInterface = parseDefaultRoute(sections.get("route") ?? "[]");
  return {
    switchInterface: findSwitchInterface(interfaces, o.switchAddress, o.interface, host.label),
    uplinkInterface,
    publicAddress: interfaces.find((i) => i.name === uplinkInterface)?.addresses[0],
    arch: releaseArch(sections.get("arch")?.trim() ?? "", host.label),
    resolvers: parseResolvers(sections.get("resolv") ?? ""),
  };
}

function splitSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of text.split(SECTION).slice(1)) {
    const newline = part.indexOf("\n");
    sections.set(part.slice(0, newline).trim(), part.slice(newline + 1));
  }
  return sections;
}

/** parseAddresses reads `ip -j -4 addr show`. */
export function parseAddresses(json: string): InterfaceAddresses[] {
  const links = JSON.parse(json.trim() || "[]") as Array<{ ifname: string; addr_info?: Array<{ family: string; local: string }> }>;
  return links.map((l) => ({ name: l.ifname, addresses: (l.addr_info ?? []).filter((a) => a.family === "inet").map((a) => a.local) }));
}

/** parseDefaultRoute reads `ip -j -4 route show default` and returns its device. */
export function parseDefaultRoute(json: string): string | undefined {
  const routes = JSON.parse(json.trim() || "[]") as Array<{ dev?: string }>;
  return routes.find((r) => r.dev)?.dev;
}

/** parseResolvers reads nameserver lines of a resolv.conf, leaving out loopback stubs. */
export function parseResolvers(text: string): string[] {
  const servers = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!);
  return servers.filter((s) => parseIpv4(s) !== undefined && !s.startsWith("127."));
}

/** findSwitchInterface picks the NIC holding the switch address, checking a named one holds it. */
export function findSwitchInterface(interfaces: readonly InterfaceAddresses[], switchAddress: string, named: string | undefined, target: string): string {
  const holder = interfaces.find((i) => i.addresses.includes(switchAddress));
  if (named !== undefined) {
    const nic = interfaces.find((i) => i.name === named);
    if (!nic) throw new RemoteError(`network.interface ${named} does not exist on ${target} (it has ${interfaces.map((i) => i.name).join(", ")})`, { hint: "set network.interface to the NIC on the provisioning switch" });
    if (holder?.name !== named) {
      throw new RemoteError(`${named} on ${target} does not have the switch address ${switchAddress}`, {
        hint: `configure ${switchAddress} on ${named} (netplan on Ubuntu), or fix network.address`,
      });
    }
    return named;
  }
  if (!holder) {
    throw new RemoteError(`no NIC on ${target} has the switch address ${switchAddress}`, {
      hint: `configure ${switchAddress} on the switch-side NIC (netplan on Ubuntu), or set network.address to the address it has`,
    });
  }
  return holder.name;
}

function releaseArch(machine: string, target: string): "amd64" | "arm64" {
  if (machine === "x86_64") return "amd64";
  if (machine === "aarch64" || machine === "arm64") return "arm64";
  throw new RemoteError(`${target} is a ${machine || "unknown"} machine; pxectl installs matchbox on x86_64 and aarch64 hosts`, { hint: "use an x86_64 or aarch64 host" });
}
