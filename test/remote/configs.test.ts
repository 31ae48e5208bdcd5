// Every variant of the generated files, checked with the real checkers on this machine:
// full DHCP and proxyDHCP, with and without ARM64, forwarding on and off, public and
// private uplinks.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProjectConfig } from "../../src/config/project";
import { RemoteError } from "../../src/core/errors";
import { type HostFacts, hostSettings } from "../../src/remote/installer";
import { dnsmasqFiles, forwardingFiles, matchboxUnitFiles } from "../../src/remote/installer/configs";
import { tempDir } from "../support/tempdir";

const FACTS: HostFacts = { switchInterface: "ens4", uplinkInterface: "ens3", publicAddress: "203.0.113.7", arch: "amd64", resolvers: ["192.0.2.53"] };
const settings = (yaml = "") => hostSettings(parseProjectConfig(`name: demo\n${yaml}`, "pxectl.yaml"), "pxectl.yaml");

function dnsmasqTest(text: string): string {
  const file = join(tempDir(), "dnsmasq.conf");
  writeFileSync(file, text);
  const r = spawnSync("dnsmasq", ["--test", "-C", file], { encoding: "utf8" });
  return `${r.status} ${r.stderr.trim()}`;
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

describe("dnsmasq.conf", () => {
  it("full DHCP with ARM64, a domain and the user's DNS servers", () => {
    const [conf] = dnsmasqFiles(settings("network: { domain: lab.example, dns_servers: [1.1.1.1, 9.9.9.9], lease_time: 45m }"), FACTS, true);
    expect(dnsmasqTest(conf!.content as string)).toBe("0 dnsmasq: syntax check OK.");
    expect(lines(conf!.content as string)).toEqual([
      "interface=ens4",
      "bind-interfaces",
      "port=0",
      "pid-file=",
      "dhcp-leasefile=/var/lib/pxectl/dnsmasq.leases",
      "dhcp-range=192.168.0.101,192.168.0.200,255.255.255.0,45m",
      "dhcp-authoritative",
      "dhcp-option=option:router,192.168.0.1",
      "dhcp-option=option:dns-server,1.1.1.1,9.9.9.9",
      "dhcp-option=option:domain-name,lab.example",
      "no-ping",
      "enable-tftp",
      "tftp-root=/var/lib/tftpboot",
      "dhcp-userclass=set:ipxe,iPXE",
      "dhcp-match=set:bios,option:client-arch,0",
      "dhcp-match=set:efi64,option:client-arch,7",
      "dhcp-match=set:efi64,option:client-arch,9",
      "dhcp-match=set:arm64,option:client-arch,11",
      "dhcp-boot=tag:!ipxe,tag:bios,undionly.kpxe",
      "dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi",
      "dhcp-boot=tag:!ipxe,tag:arm64,ipxe-arm64.efi",
      "dhcp-boot=tag:ipxe,http://192.168.0.1:8080/boot.ipxe",
      "dhcp-option=tag:ipxe,encap:175,176,1b",
      "enable-ra",
      "dhcp-range=::,constructor:ens4,ra-only",
      "ra-param=ens4,10,0",
      "log-dhcp",
    ]);
  });

  it("full DHCP without forwarding offers no router, and falls back to the host's resolvers", () => {
    const [conf] = dnsmasqFiles(settings("network: { forward: false }"), FACTS, false);
    const text = conf!.content as string;
    expect(dnsmasqTest(text)).toBe("0 dnsmasq: syntax check OK.");
    expect(lines(text)).toContain("dhcp-option=option:router");
    expect(lines(text)).toContain("dhcp-option=option:dns-server,192.0.2.53");
    expect(text).not.toContain("domain-name");
  });

  it("proxyDHCP adds boot options beside another DHCP server, and sends no router advertisements", () => {
    const [conf] = dnsmasqFiles(settings("network: { dhcp: proxy, address: 10.20.0.5/16 }"), { ...FACTS, resolvers: [] }, true);
    const text = conf!.content as string;
    expect(dnsmasqTest(text)).toBe("0 dnsmasq: syntax check OK.");
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        "dhcp-range=10.20.0.0,proxy,255.255.0.0",
        'pxe-service=tag:!ipxe,x86PC,"Chainload iPXE",undionly.kpxe',
        'pxe-service=tag:ipxe,X86-64_EFI,"matchbox",http://10.20.0.5:8080/boot.ipxe',
        'pxe-service=tag:!ipxe,ARM64_EFI,"Chainload iPXE",ipxe-arm64.efi',
      ]),
    );
    for (const absent of ["dhcp-authoritative", "option:router", "enable-ra", "encap:175", "dhcp-boot"]) expect(text).not.toContain(absent);
  });

  it("needs some resolver for the nodes in full DHCP", () => {
    expect(() => dnsmasqFiles(settings(), { ...FACTS, resolvers: [] }, false)).toThrow(RemoteError);
    expect(() => dnsmasqFiles(settings(), { ...FACTS, resolvers: [] }, false)).toThrow("the host has no upstream DNS resolver to hand to the nodes");
  });
});

describe("NAT rules", () => {
  function nftCheck(text: string): string {
    const file = join(tempDir(), "nat.nft");
    writeFileSync(file, text);
    const r = spawnSync("unshare", ["--net", "nft", "-c", "-f", file], { encoding: "utf8" });
    return `${r.status} ${r.stderr.trim()}`;
  }

  it("keeps private destinations off a public uplink only", () => {
    const publicUplink = forwardingFiles(settings(), FACTS)[1]!.content as string;
    const privateUplink = forwardingFiles(settings(), { ...FACTS, publicAddress: "172.16.5.5" })[1]!.content as string;
    expect(nftCheck(publicUplink)).toBe("0 ");
    expect(nftCheck(privateUplink)).toBe("0 ");
    expect(publicUplink).toContain("ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } drop");
    expect(privateUplink).not.toContain("ip daddr");
    expect(privateUplink).toContain('ip saddr 192.168.0.0/24 oifname "ens3" masquerade');
  });

  it("needs a default route to forward through", () => {
    expect(() => forwardingFiles(settings(), { ...FACTS, uplinkInterface: undefined, publicAddress: undefined })).toThrow("the host has no default route, so there is nowhere to forward the nodes' traffic");
    expect(() => matchboxUnitFiles(settings(), { ...FACTS, publicAddress: undefined })).toThrow(/cannot tell its public address/);
  });
});
