import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors";
import { hostFilterRules } from "../../src/sakuracloud";

describe("hostFilterRules", () => {
  it("allows SSH and gRPC only from the given addresses, the host's return traffic, and denies the rest last", () => {
    const rules = hostFilterRules(["203.0.113.7/32", "198.51.100.0/24"], 8081);
    expect(rules.slice(0, 4).map((r) => `${r.protocol} ${r.sourceNetwork} -> ${r.destinationPort} ${r.action}`)).toEqual([
      "tcp 203.0.113.7/32 -> 22 allow",
      "tcp 203.0.113.7/32 -> 8081 allow",
      "tcp 198.51.100.0/24 -> 22 allow",
      "tcp 198.51.100.0/24 -> 8081 allow",
    ]);
    expect(rules.at(-1)).toEqual({ protocol: "ip", action: "deny", description: "pxectl: deny the rest" });
    // nothing else reaches port 22 or the gRPC port
    expect(rules.slice(4).some((r) => r.action === "allow" && (r.destinationPort === "22" || r.destinationPort === "8081"))).toBe(false);
  });

  it.each([
    [[], "no address may reach the matchbox host"],
    [["203.0.113.300"], '"203.0.113.300" is not an IPv4 address or CIDR'],
    [Array.from({ length: 13 }, (_, i) => `203.0.113.${i}`), "too many addresses in sakuracloud.allow_from (13)"],
  ])("refuses %j", (addresses, message) => {
    expect(() => hostFilterRules(addresses, 8081)).toThrow(UsageError);
    expect(() => hostFilterRules(addresses, 8081)).toThrow(message);
  });
});
