// Log parsing: one raw line (dnsmasq or matchbox, bare or in any journal form) in, one typed
// record out, or undefined for lines watch does not use. Never throws on garbage or truncation.
import type { LogLine } from "../ports";
import { parseDnsmasqMessage } from "./dnsmasq";
import { type Envelope, dnsmasqEnvelope, journalEnvelope, matchboxEnvelope } from "./envelope";
import { parseMatchboxPayload } from "./matchbox";
import type { LogRecord, ParsedLine } from "./records";

export type * from "./records";
export { goMapLabels, logfmtFields, unquoteGo } from "./matchbox";
export { isoTime } from "./envelope";

function envelopeOf(line: LogLine): Envelope | undefined {
  switch (line.origin) {
    case "journal-json":
      return journalEnvelope(line.text);
    case "dnsmasq":
      return dnsmasqEnvelope(line.text);
    case "matchbox":
      return matchboxEnvelope(line.text);
    case "journal":
      return dnsmasqEnvelope(line.text) ?? matchboxEnvelope(line.text);
  }
}

function recordOf(e: Envelope): LogRecord | undefined {
  if (e.program === "matchbox") return parseMatchboxPayload(e.message);
  if (e.program.startsWith("dnsmasq-")) return parseDnsmasqMessage(e.program.slice(8), e.message);
  return undefined;
}

/** parseLine reads one line; undefined when it is not a line watch uses. */
export function parseLine(line: LogLine): ParsedLine | undefined {
  const envelope = envelopeOf(line);
  if (!envelope) return undefined;
  const record = recordOf(envelope);
  return record ? { record, at: envelope.at } : undefined;
}
