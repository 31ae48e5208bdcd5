// The generated files, rendered from templates/ with the host's settings and facts.
import dnsmasqTemplate from "../../../templates/dnsmasq.conf.tmpl";
import ipForwardTemplate from "../../../templates/ip-forward.conf.tmpl";
import matchboxDropInTemplate from "../../../templates/matchbox-pxectl.conf.tmpl";
import matchboxUnitTemplate from "../../../templates/matchbox.service.tmpl";
import natTemplate from "../../../templates/nat.nft.tmpl";
import dnsmasqUnitTemplate from "../../../templates/pxectl-dnsmasq.service.tmpl";
import natUnitTemplate from "../../../templates/pxectl-nat.service.tmpl";
import { RemoteError } from "../../core/errors";
import { GRUB_TAG, GRUB_TFTP } from "../../nodes/grub";
import type { HostFacts } from "./facts";
import type { DesiredFile } from "./files";
import { PRIVATE_IPV4_RANGES, isPrivateIpv4 } from "./ipv4";
import { HOST_PATHS } from "./paths";
import { render } from "./render";
import type { HostSettings } from "./settings";

/** bootUrl is where iPXE fetches matchbox's boot script. */
export function bootUrl(settings: HostSettings): string {
  return `http://${settings.switchAddress}:${settings.matchbox.httpPort}/boot.ipxe`;
}

/** GrubBoot turns on the Secure Boot chain (shim, GRUB) for tagged machines, or for every UEFI x86_64 machine. */
export interface GrubBoot {
  forAll: boolean;
  /** dnsmasq's dhcp-hostsdir: one file per node that boots GRUB. */
  hostsDir: string;
}

/** dnsmasqFiles are dnsmasq's configuration and its unit; arm64 adds the ARM64 UEFI boot lines, grub the Secure Boot ones. */
export function dnsmasqFiles(settings: HostSettings, facts: HostFacts, arm64: boolean, grub?: GrubBoot): DesiredFile[] {
  const dnsServers = settings.dnsServers ?? facts.resolvers;
  if (settings.dhcp === "full" && dnsServers.length === 0) {
    throw new RemoteError("the host has no upstream DNS resolver to hand to the nodes", { hint: "set network.dns_servers in pxectl.yaml" });
  }
  const config = render("dnsmasq.conf", dnsmasqTemplate, {
    interface: facts.switchInterface,
    full: settings.dhcp === "full",
    network: settings.network,
    range: settings.dhcpRange,
    leaseTime: settings.leaseTime,
    router: settings.forward ? settings.switchAddress : false,
    dnsServers: dnsServers.join(","),
    domain: settings.domain ?? false,
    arm64,
    bootUrl: bootUrl(settings),
    grub: Boolean(grub),
    grubForAll: grub?.forAll ?? false,
    hostsDir: grub?.hostsDir ?? "",
    grubTag: GRUB_TAG,
    shim: GRUB_TFTP.shim,
  });
  const unit = render("pxectl-dnsmasq.service", dnsmasqUnitTemplate, { interface: facts.switchInterface });
  return [
    { path: HOST_PATHS.dnsmasqConfig, content: config, mode: 0o644 },
    { path: HOST_PATHS.dnsmasqUnit, content: unit, mode: 0o644 },
  ];
}

/** matchboxUnitFiles are matchbox's unit and pxectl's drop-in with addresses and TLS files. */
export function matchboxUnitFiles(settings: HostSettings, facts: HostFacts): DesiredFile[] {
  if (!facts.publicAddress) {
    throw new RemoteError("the host has no default route, so pxectl cannot tell its public address for matchbox's gRPC API", {
      hint: "give the host a default route on its public NIC",
    });
  }
  const dropIn = render("matchbox-pxectl.conf", matchboxDropInTemplate, {
    httpAddress: `${settings.switchAddress}:${settings.matchbox.httpPort}`,
    rpcAddress: `${facts.publicAddress}:${settings.matchbox.grpcPort}`,
  });
  return [
    { path: HOST_PATHS.matchboxUnit, content: render("matchbox.service", matchboxUnitTemplate, {}), mode: 0o644 },
    { path: HOST_PATHS.matchboxDropIn, content: dropIn, mode: 0o644 },
  ];
}

/** forwardingFiles are the sysctl setting, the NAT rules and the unit that loads them. */
export function forwardingFiles(settings: HostSettings, facts: HostFacts): DesiredFile[] {
  if (!facts.uplinkInterface) {
    throw new RemoteError("the host has no default route, so there is nowhere to forward the nodes' traffic", {
      hint: "give the host a default route, or set network.forward: false",
    });
  }
  const rules = render("nat.nft", natTemplate, {
    network: settings.network.cidr,
    switch: facts.switchInterface,
    uplink: facts.uplinkInterface,
    // on a public uplink (SakuraCloud's shared segment) private destinations are never legitimate
    blockPrivate: facts.publicAddress !== undefined && !isPrivateIpv4(facts.publicAddress),
    privateRanges: PRIVATE_IPV4_RANGES.join(", "),
  });
  return [
    { path: HOST_PATHS.ipForward, content: render("ip-forward.conf", ipForwardTemplate, {}), mode: 0o644 },
    { path: HOST_PATHS.natRules, content: rules, mode: 0o644 },
    { path: HOST_PATHS.natUnit, content: render("pxectl-nat.service", natUnitTemplate, {}), mode: 0o644 },
  ];
}
