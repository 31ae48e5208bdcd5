// Where a line came from and when: the prefixes syslog, journalctl and dnsmasq put before a
// message, and journalctl's JSON records. Only absolute times (with a zone) are kept, so lines
// from different streams compare on one clock; the others fall back to the time received.

/** Envelope is a message, the program that wrote it and its absolute time, if any. */
export interface Envelope {
  /** "dnsmasq-dhcp", "dnsmasq-tftp", "matchbox" ... */
  program: string;
  message: string;
  at: number | undefined;
}

// "dnsmasq-dhcp[5174]: " (file, syslog, -k) or "dnsmasq-dhcp: " (-d), after an optional
// timestamp and host name; a host named "dnsmasq-x" is not followed by ": ".
const DNSMASQ_TAG = /(?:^|\s)(dnsmasq(?:-[a-z]+)?)(?:\[\d+\])?: /;
const ISO_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d) /;

/** isoTime reads "2026-11-23T00:30:56.061313+0000" (journalctl short-iso[-precise]) to ms. */
export function isoTime(text: string): number | undefined {
  const m = ISO_PREFIX.exec(text + " ");
  if (!m) return undefined;
  const zone = m[3] === "Z" ? "Z" : `${m[3]!.slice(0, 3)}:${m[3]!.slice(-2)}`;
  const seconds = Date.parse(m[1]! + zone);
  if (Number.isNaN(seconds)) return undefined;
  return m[2] === undefined ? seconds : seconds + Number(`0.${m[2]}`) * 1000;
}

function prefixTime(prefix: string): number | undefined {
  return prefix.charCodeAt(0) >= 48 && prefix.charCodeAt(0) <= 57 ? isoTime(prefix) : undefined;
}

/** dnsmasqEnvelope finds dnsmasq's tag in any of its prefix forms. */
export function dnsmasqEnvelope(text: string): Envelope | undefined {
  const m = DNSMASQ_TAG.exec(text);
  if (!m) return undefined;
  return { program: m[1]!, message: text.slice(m.index + m[0].length), at: prefixTime(text.slice(0, m.index)) };
}

/** matchboxEnvelope finds the logrus part ("time=...") after an optional journal prefix. */
export function matchboxEnvelope(text: string): Envelope | undefined {
  const start = text.startsWith("time=") ? 0 : text.indexOf(" time=") + 1; // 0: not found
  if (start === 0 && !text.startsWith("time=")) return undefined;
  return { program: "matchbox", message: text.slice(start), at: start > 0 ? prefixTime(text) : undefined };
}

/** journalEnvelope reads one `journalctl -o json` record; MESSAGE may be a byte array. */
export function journalEnvelope(text: string): Envelope | undefined {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return undefined; // a truncated record
  }
  if (typeof record !== "object" || record === null) return undefined;
  const r = record as Record<string, unknown>;
  const program = r.SYSLOG_IDENTIFIER;
  const raw = r.MESSAGE;
  const message = typeof raw === "string" ? raw : Array.isArray(raw) && raw.every((b) => typeof b === "number") ? Buffer.from(raw).toString("utf8") : undefined;
  if (typeof program !== "string" || message === undefined) return undefined;
  const micros = typeof r.__REALTIME_TIMESTAMP === "string" ? Number(r.__REALTIME_TIMESTAMP) : NaN;
  return { program, message, at: Number.isFinite(micros) ? micros / 1000 : undefined };
}
