// SakuraCloud's packet filter, enforced: nftables in the bridge family on the shared
// segment, one chain per filtered NIC, applied to what the segment sends to that NIC's
// tap. Like the real filter it is stateless (replies need their own rules), looks at IPv4
// only, takes the first matching expression, and lets through what matches none.
import { spawn } from "node:child_process";
import type { ExpressionRecord } from "../records";

export const NFT_TABLE = "sakuracloud";

/** FilteredTap is one running NIC on the shared segment and the expressions of its filter. */
export interface FilteredTap {
  tap: string;
  expressions: readonly ExpressionRecord[];
}

function ports(protocol: string, field: "sport" | "dport", value: string): string {
  return value === "" ? "" : ` ${protocol} ${field} ${value}`;
}

/** nftRule renders one expression as an nft rule. */
export function nftRule(e: ExpressionRecord): string {
  const verdict = e.Action === "allow" ? "accept" : "drop";
  const source = e.SourceNetwork === "" ? "" : ` ip saddr ${e.SourceNetwork}`;
  switch (e.Protocol) {
    case "tcp":
    case "udp":
      return `ether type ip${source} ip protocol ${e.Protocol}${ports(e.Protocol, "sport", e.SourcePort)}${ports(e.Protocol, "dport", e.DestinationPort)} ${verdict}`;
    case "icmp":
      return `ether type ip${source} ip protocol icmp ${verdict}`;
    case "fragment":
      // a fragment after the first: the offset is not 0
      return `ether type ip${source} ip frag-off & 0x1fff != 0 ${verdict}`;
    default:
      return `ether type ip${source} ${verdict}`;
  }
}

/** nftRuleset renders the whole table: replaced at once whenever a filter, NIC or power state changes. */
export function nftRuleset(taps: readonly FilteredTap[]): string {
  const lines = [`table bridge ${NFT_TABLE}`, `delete table bridge ${NFT_TABLE}`, `table bridge ${NFT_TABLE} {`];
  // frames bridged from other ports (forward) and frames the namespace itself sends (output)
  for (const hook of ["forward", "output"]) {
    lines.push(`  chain ${hook} {`, `    type filter hook ${hook} priority 0; policy accept;`);
    taps.forEach((t, i) => lines.push(`    oifname "${t.tap}" jump nic${i}`));
    lines.push("  }");
  }
  taps.forEach((t, i) => {
    lines.push(`  chain nic${i} {`);
    for (const e of t.expressions) lines.push(`    ${nftRule(e)}`);
    lines.push("  }");
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** applyRuleset loads the ruleset into the namespace with nft -f -. */
export async function applyRuleset(namespace: string, ruleset: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", namespace, "nft", "-f", "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.once("error", reject);
    // nft that stops before reading everything says why on stderr; its exit reports it below
    child.stdin.on("error", () => undefined);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`nft -f failed (${code}): ${err.trim()}\n${ruleset}`))));
    child.stdin.end(ruleset);
  });
}
