// The matchbox host's packet filter: SSH and gRPC only from the operator's addresses,
// everything else the host needs to work (return traffic, ICMP, NTP), then deny all.
// Packet filters are stateless, so replies to the host's own connections need rules too.
import { UsageError } from "../core/errors";
import type { PacketFilterRule } from "./types";

/** MAX_PACKET_FILTER_RULES is how many expressions SakuraCloud takes per filter. */
export const MAX_PACKET_FILTER_RULES = 30;
const EPHEMERAL_PORTS = "32768-61000";
const IPV4_OR_CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;

/** hostFilterRules allows SSH (22) and gRPC (grpcPort) from each address, the host's return traffic, and denies the rest. */
export function hostFilterRules(allowFrom: readonly string[], grpcPort: number): PacketFilterRule[] {
  if (allowFrom.length === 0) {
    throw new UsageError("no address may reach the matchbox host", { hint: "set sakuracloud.allow_from in pxectl.yaml to your public address, such as 203.0.113.7/32" });
  }
  for (const a of allowFrom) {
    if (!IPV4_OR_CIDR.test(a)) throw new UsageError(`"${a}" is not an IPv4 address or CIDR`, { hint: "use a form such as 203.0.113.7 or 203.0.113.0/24" });
  }
  const rules: PacketFilterRule[] = [];
  for (const source of allowFrom) {
    rules.push({ protocol: "tcp", sourceNetwork: source, destinationPort: "22", action: "allow", description: "pxectl: SSH" });
    rules.push({ protocol: "tcp", sourceNetwork: source, destinationPort: String(grpcPort), action: "allow", description: "pxectl: matchbox gRPC" });
  }
  rules.push(
    { protocol: "icmp", action: "allow" },
    { protocol: "fragment", action: "allow" },
    // to port 123 only: "from port 123" alone would let any UDP port be reached by a packet claiming it
    { protocol: "udp", sourcePort: "123", destinationPort: "123", action: "allow", description: "pxectl: NTP replies" },
    { protocol: "tcp", destinationPort: EPHEMERAL_PORTS, action: "allow", description: "pxectl: replies to the host" },
    { protocol: "udp", destinationPort: EPHEMERAL_PORTS, action: "allow", description: "pxectl: replies to the host" },
    { protocol: "ip", action: "deny", description: "pxectl: deny the rest" },
  );
  if (rules.length > MAX_PACKET_FILTER_RULES) {
    throw new UsageError(`too many addresses in sakuracloud.allow_from (${allowFrom.length})`, {
      hint: `a packet filter holds ${MAX_PACKET_FILTER_RULES} rules: list at most ${(MAX_PACKET_FILTER_RULES - 6) / 2} addresses, or use CIDR ranges`,
    });
  }
  return rules;
}
