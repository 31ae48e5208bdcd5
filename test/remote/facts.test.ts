// Discovering the host: parsing `ip -j` output captured on a two-NIC host, the choice of
// the switch NIC, and one real discovery over SSH on this machine.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../src/core/errors";
import { connectHost } from "../../src/remote";
import { discoverHostFacts } from "../../src/remote/installer";
import { findSwitchInterface, parseAddresses, parseDefaultRoute, parseResolvers } from "../../src/remote/installer/facts";
import { TestSshd } from "../support/sshd";

// `ip -j -4 addr show` and `ip -j -4 route show default` on a SakuraCloud-like host
const ADDR = JSON.stringify([
  { ifindex: 1, ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }] },
  { ifindex: 2, ifname: "ens3", addr_info: [{ family: "inet", local: "203.0.113.7", prefixlen: 24 }] },
  { ifindex: 3, ifname: "ens4", addr_info: [{ family: "inet", local: "192.168.0.1", prefixlen: 24 }] },
  { ifindex: 4, ifname: "ens5", addr_info: [] },
]);
const ROUTE = '[{"dst":"default","gateway":"203.0.113.1","dev":"ens3","protocol":"static","flags":[]}]';

describe("parsing", () => {
  const nics = parseAddresses(ADDR);

  it("reads interfaces, the default route and upstream resolvers", () => {
    expect(nics).toEqual([
      { name: "lo", addresses: ["127.0.0.1"] },
      { name: "ens3", addresses: ["203.0.113.7"] },
      { name: "ens4", addresses: ["192.168.0.1"] },
      { name: "ens5", addresses: [] },
    ]);
    expect(parseDefaultRoute(ROUTE)).toBe("ens3");
    expect(parseDefaultRoute("[]")).toBeUndefined();
    expect(parseResolvers("# generated\nnameserver 127.0.0.53\nnameserver 133.242.0.3\nsearch example\nnameserver  133.242.0.4\nnameserver ::1\n")).toEqual(["133.242.0.3", "133.242.0.4"]);
  });

  it("finds the switch NIC by its address, or checks the named one has it", () => {
    expect(findSwitchInterface(nics, "192.168.0.1", undefined, "h")).toBe("ens4");
    expect(findSwitchInterface(nics, "192.168.0.1", "ens4", "h")).toBe("ens4");
    expect(() => findSwitchInterface(nics, "192.168.0.1", "ens5", "h")).toThrow("ens5 on h does not have the switch address 192.168.0.1");
    expect(() => findSwitchInterface(nics, "192.168.0.1", "eth9", "h")).toThrow("network.interface eth9 does not exist on h (it has lo, ens3, ens4, ens5)");
    expect(() => findSwitchInterface(nics, "10.0.0.1", undefined, "h")).toThrow(RemoteError);
  });
});

describe("discoverHostFacts", () => {
  it("asks a real host over SSH", async () => {
    const sshd = await TestSshd.start();
    try {
      const host = await connectHost({ host: sshd.host, port: sshd.port, user: "root", credentials: { keyFile: sshd.clientKey }, hostKey: { pinned: sshd.hostKeyFingerprint() }, log: () => undefined });
      const facts = await discoverHostFacts(host, { switchAddress: "127.0.0.1" });
      await host.close();
      const route = JSON.parse(execFileSync("ip", ["-j", "-4", "route", "show", "default"], { encoding: "utf8" })) as Array<{ dev: string }>;
      expect(facts.switchInterface).toBe("lo");
      expect(facts.uplinkInterface).toBe(route[0]?.dev);
      expect(facts.arch).toBe(process.arch === "arm64" ? "arm64" : "amd64");
      if (facts.uplinkInterface) expect(execFileSync("ip", ["-4", "addr", "show", facts.uplinkInterface], { encoding: "utf8" })).toContain(`inet ${facts.publicAddress}/`);
    } finally {
      await sshd.stop();
    }
  });
});
