// `pxectl node logs NODE`: the lines of both logs that are about one machine. The filter sees
// every line in order, as the tracker does, because a line often names its machine only
// through an earlier one (a DHCP detail through its exchange, a TFTP transfer through a lease).
import { Correlator } from "./correlate";
import { parseLine } from "./parse";
import type { LogLine } from "./ports";

/**
 * nodeLogFilter returns a predicate that keeps a machine's lines: those naming one of its MACs,
 * the --log-dhcp details of its exchanges (after the exchange's first DHCP line), its TFTP
 * transfers and the matchbox requests and misses that carry its MAC.
 */
export function nodeLogFilter(macs: readonly string[]): (line: LogLine) => boolean {
  const wanted = new Set(macs);
  const correlator = new Correlator();
  return (line) => {
    const parsed = parseLine(line);
    if (!parsed) return false;
    const { mac } = correlator.correlate(parsed, parsed.at ?? line.receivedAt ?? 0);
    return mac !== undefined && wanted.has(mac);
  };
}
