// What the installer needs from pxectl.yaml (network.*, matchbox.*),
// checked beyond the schema: addresses that must agree with each other are compared here,
// so a DHCP range outside the switch network is refused before anything is rendered.
import type { BootLoader, Project, ProjectConfig } from "../../config/project";
import { type ConfigProblem, ConfigError } from "../../core/errors";
import { type Ipv4Network, formatIpv4, inNetwork, parseIpv4, parseNetwork } from "./ipv4";

/** HostSettings are the host's provisioning settings, validated. */
export interface HostSettings {
  /** The switch network, with the host's own address on it (network.address). */
  network: Ipv4Network;
  /** The host's address on the switch: network.address, or host.private_address. */
  switchAddress: string;
  /** network.interface, when the user named the switch-side NIC. */
  interface: string | undefined;
  dhcp: "full" | "proxy";
  dhcpRange: { start: string; end: string };
  leaseTime: string;
  /** network.dns_servers; when absent the nodes get the host's own resolvers. */
  dnsServers: string[] | undefined;
  domain: string | undefined;
  /** Route and NAT the nodes' traffic through the host (network.forward). */
  forward: boolean;
  matchbox: { version: string; httpPort: number; grpcPort: number; binary: string | undefined };
  /** nodes.boot_loader: grub gives every UEFI x86_64 machine shim and GRUB (Secure Boot). */
  bootLoader: BootLoader;
}

/** hostSettings reads the installer's settings from a validated project; file names it in errors, locate places them in it. */
export function hostSettings(config: ProjectConfig, file: string, locate?: Project["locate"]): HostSettings {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ file, ...locate?.(path), path, message });
  const n = config.network;
  const network = parseNetwork(n.address);
  if (!network) problem("network.address", `${n.address} is not an IPv4 address with a prefix length, such as 192.168.0.1/24`);
  const switchAddress = config.host?.private_address ?? network?.address ?? "";
  if (network) {
    checkHostAddress(network, switchAddress, config.host?.private_address ? "host.private_address" : "network.address", problem);
    if (n.dhcp === "full") checkRange(network, n.dhcp_range, switchAddress, problem);
  }
  for (const [i, source] of (config.sakuracloud.allow_from ?? []).entries()) {
    if ((source.includes("/") ? parseNetwork(source) : parseIpv4(source)) === undefined) problem(`sakuracloud.allow_from[${i}]`, `${source} is not an IPv4 address or CIDR`);
  }
  for (const [i, dns] of (n.dns_servers ?? []).entries()) {
    if (parseIpv4(dns) === undefined) problem(`network.dns_servers[${i}]`, `${dns} is not an IPv4 address`);
  }
  if (config.matchbox.http_port === config.matchbox.grpc_port) {
    problem("matchbox.grpc_port", `${config.matchbox.grpc_port} is also matchbox.http_port; the HTTP and gRPC servers need different ports`);
  }
  if (problems.length > 0) throw new ConfigError(problems, { hint: "fix the network settings in the project file, then run the command again" });
  return {
    network: network!,
    switchAddress,
    interface: n.interface,
    dhcp: n.dhcp,
    dhcpRange: n.dhcp_range,
    leaseTime: n.lease_time,
    dnsServers: n.dns_servers,
    domain: n.domain,
    forward: n.forward,
    matchbox: { version: config.matchbox.version, httpPort: config.matchbox.http_port, grpcPort: config.matchbox.grpc_port, binary: config.matchbox.binary },
    bootLoader: config.nodes.boot_loader,
  };
}

type Report = (path: string, message: string) => void;

function checkHostAddress(network: Ipv4Network, address: string, path: string, problem: Report): void {
  if (parseIpv4(address) === undefined) return problem(path, `${address} is not an IPv4 address`);
  if (!inNetwork(network, address)) return problem(path, `${address} is outside the switch network ${network.cidr}`);
  if (address === network.base || address === network.broadcast) problem(path, `${address} is the network's ${address === network.base ? "own" : "broadcast"} address, not a host address in ${network.cidr}`);
}

function checkRange(network: Ipv4Network, range: { start: string; end: string }, hostAddress: string, problem: Report): void {
  const start = parseIpv4(range.start);
  const end = parseIpv4(range.end);
  const inside = (ip: string, key: "start" | "end"): boolean => {
    if (parseIpv4(ip) === undefined) {
      problem(`network.dhcp_range.${key}`, `${ip} is not an IPv4 address`);
      return false;
    }
    if (!inNetwork(network, ip) || ip === network.base || ip === network.broadcast) {
      problem(`network.dhcp_range.${key}`, `${ip} is outside the switch network ${network.cidr} (usable: ${hostAfter(network.base, 1)} to ${hostAfter(network.broadcast, -1)})`);
      return false;
    }
    return true;
  };
  const ok = [inside(range.start, "start"), inside(range.end, "end")].every(Boolean);
  if (!ok || start === undefined || end === undefined) return;
  if (start > end) return problem("network.dhcp_range", `start ${range.start} comes after end ${range.end}`);
  const host = parseIpv4(hostAddress);
  if (host !== undefined && host >= start && host <= end) problem("network.dhcp_range", `${range.start}-${range.end} includes the host's own address ${hostAddress}`);
}

function hostAfter(ip: string, by: number): string {
  return formatIpv4(parseIpv4(ip)! + by);
}
