// Addresses and settings: IPv4 math, the private ranges (the seed's typo cannot come
// back), the checks that refuse settings which cannot work (all problems at once), where
// the matchbox binary comes from, and which SSH credentials are offered.
import { describe, expect, it } from "vitest";
import { parseProjectConfig } from "../../src/config/project";
import { ConfigError, UsageError } from "../../src/core/errors";
import { Redactor } from "../../src/output/redact";
import { sshCredentials } from "../../src/remote";
import { hostSettings, matchboxSource } from "../../src/remote/installer";
import { PRIVATE_IPV4_RANGES, formatIpv4, inNetwork, isPrivateIpv4, parseIpv4, parseNetwork } from "../../src/remote/installer/ipv4";

describe("ipv4", () => {
  it("parses and formats addresses, refusing anything else", () => {
    expect(parseIpv4("192.168.0.1")).toBe(0xc0a80001);
    expect(formatIpv4(0xc0a80001)).toBe("192.168.0.1");
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", "1.2.3.-4"]) expect(parseIpv4(bad)).toBeUndefined();
  });

  it("derives the network of an address with a prefix", () => {
    expect(parseNetwork("192.168.0.1/24")).toEqual({ address: "192.168.0.1", prefix: 24, base: "192.168.0.0", broadcast: "192.168.0.255", netmask: "255.255.255.0", cidr: "192.168.0.0/24" });
    expect(parseNetwork("10.1.2.3/8")?.cidr).toBe("10.0.0.0/8");
    expect(parseNetwork("10.1.2.3/30")?.broadcast).toBe("10.1.2.3");
    expect(parseNetwork("10.1.2.3/33")).toBeUndefined();
    expect(parseNetwork("10.1.2.3")).toBeUndefined();
  });

  it("knows RFC 1918's ranges to the address, and 176.16.0.0/12 is not one of them", () => {
    expect(PRIVATE_IPV4_RANGES).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
    const cases: Array<[string, boolean]> = [
      ["10.0.0.0", true],
      ["10.255.255.255", true],
      ["11.0.0.0", false],
      ["172.15.255.255", false],
      ["172.16.0.0", true],
      ["172.31.255.255", true],
      ["172.32.0.0", false],
      ["176.16.0.1", false],
      ["192.167.255.255", false],
      ["192.168.0.0", true],
      ["192.168.255.255", true],
      ["203.0.113.7", false],
    ];
    for (const [ip, isPrivate] of cases) expect([ip, isPrivateIpv4(ip)]).toEqual([ip, isPrivate]);
    expect(inNetwork(parseNetwork("192.168.0.0/24")!, "192.168.1.0")).toBe(false);
  });
});

describe("hostSettings", () => {
  const settings = (yaml: string) => hostSettings(parseProjectConfig(`name: demo\n${yaml}`, "pxectl.yaml"), "pxectl.yaml");
  const problems = (yaml: string): string[] => {
    try {
      settings(yaml);
    } catch (e) {
      if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
      throw e;
    }
    return [];
  };

  it("takes the defaults of pxectl.yaml", () => {
    expect(settings("")).toMatchObject({
      switchAddress: "192.168.0.1",
      network: { cidr: "192.168.0.0/24" },
      dhcp: "full",
      dhcpRange: { start: "192.168.0.101", end: "192.168.0.200" },
      leaseTime: "12h",
      forward: true,
      matchbox: { version: "v0.11.0", httpPort: 8080, grpcPort: 8081 },
    });
  });

  it.each([
    ["a range outside the network", "network: { dhcp_range: { start: 192.168.0.250, end: 192.168.1.10 } }", ["network.dhcp_range.end: 192.168.1.10 is outside the switch network 192.168.0.0/24 (usable: 192.168.0.1 to 192.168.0.254)"]],
    ["a range over the broadcast address", "network: { dhcp_range: { start: 192.168.0.200, end: 192.168.0.255 } }", ["network.dhcp_range.end: 192.168.0.255 is outside the switch network 192.168.0.0/24 (usable: 192.168.0.1 to 192.168.0.254)"]],
    ["a reversed range", "network: { dhcp_range: { start: 192.168.0.200, end: 192.168.0.100 } }", ["network.dhcp_range: start 192.168.0.200 comes after end 192.168.0.100"]],
    ["a range holding the host", "network: { address: 192.168.0.150/24 }", ["network.dhcp_range: 192.168.0.101-192.168.0.200 includes the host's own address 192.168.0.150"]],
    ["the network's own address as the host", "network: { address: 192.168.0.0/24, dhcp_range: { start: 192.168.0.10, end: 192.168.0.20 } }", ["network.address: 192.168.0.0 is the network's own address, not a host address in 192.168.0.0/24"]],
    ["a private address outside the network", "host: { address: 203.0.113.7, private_address: 10.0.0.1 }", ["host.private_address: 10.0.0.1 is outside the switch network 192.168.0.0/24"]],
    ["a bad DNS server", "network: { dns_servers: [1.1.1.1, 300.1.1.1] }", ["network.dns_servers[1]: 300.1.1.1 is not an IPv4 address"]],
    ["one port for HTTP and gRPC", "matchbox: { http_port: 8080, grpc_port: 8080 }", ["matchbox.grpc_port: 8080 is also matchbox.http_port; the HTTP and gRPC servers need different ports"]],
  ])("refuses %s", (_name, yaml, expected) => {
    expect(problems(yaml)).toEqual(expected);
  });

  it("reports every problem at once, and ignores the range in proxy mode", () => {
    expect(problems("network: { dns_servers: [999.0.0.1], dhcp_range: { start: 10.0.0.1, end: 10.0.0.2 } }\nmatchbox: { grpc_port: 8080 }")).toHaveLength(4);
    expect(problems("network: { dhcp: proxy, dhcp_range: { start: 10.0.0.1, end: 10.0.0.2 } }")).toEqual([]);
  });
});

describe("matchboxSource", () => {
  const base = { matchbox: { version: "v0.11.0", httpPort: 8080, grpcPort: 8081, binary: undefined as string | undefined } };
  it("prefers the flag, then the project file's path, then the release", () => {
    expect(matchboxSource(base, { flag: "bin/matchbox", cwd: "/work", projectDir: "/proj" })).toEqual({ kind: "file", path: "/work/bin/matchbox" });
    expect(matchboxSource({ matchbox: { ...base.matchbox, binary: "matchbox" } }, { cwd: "/work", projectDir: "/proj" })).toEqual({ kind: "file", path: "/proj/matchbox" });
    expect(matchboxSource(base, { cwd: "/work", projectDir: "/proj" })).toEqual({ kind: "release", version: "v0.11.0" });
  });
});

describe("sshCredentials", () => {
  it("registers secrets with the redactor and offers the agent from SSH_AUTH_SOCK", () => {
    const redactor = new Redactor();
    const credentials = sshCredentials({ keyFile: "/k", password: "hunter2-secret", passphrase: "pass-phrase", env: { SSH_AUTH_SOCK: "/run/agent" } }, redactor);
    expect(credentials).toEqual({ keyFile: "/k", passphrase: "pass-phrase", agentSocket: "/run/agent", password: "hunter2-secret" });
    expect(redactor.redact("login with hunter2-secret and pass-phrase")).toBe("login with *** and ***");
    expect(sshCredentials({ keyFile: "/k", useAgent: false, env: { SSH_AUTH_SOCK: "/run/agent" } }, redactor).agentSocket).toBeUndefined();
  });

  it("says what to do when there is nothing to offer", () => {
    expect(() => sshCredentials({ env: {} }, new Redactor())).toThrow(UsageError);
    expect(() => sshCredentials({ env: {} }, new Redactor())).toThrow("no SSH credentials: no key file was given and no SSH agent is running (SSH_AUTH_SOCK is not set)");
  });
});
