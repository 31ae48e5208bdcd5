// Following the lab's log files for watch, as `tail -F` would: the last minute of each file
// first (merged by time, so a watch started mid-boot sees the boot from its start), then
// every line as it is appended.
import { open } from "node:fs/promises";
import type { Clock } from "../core/clock";
import type { LogLine, LogSource } from "../watch";

export interface LabLogFile {
  path: string;
  origin: "dnsmasq" | "matchbox";
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
// dnsmasq's log-facility file: "Nov 23 02:40:01 dnsmasq-dhcp[123]: ..." in local time
const SYSLOG_DATE = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) /;
// matchbox (logrus): time="2026-11-23T02:40:01Z" level=info ...
const LOGRUS_TIME = /^time="([^"]+)"/;

/** lineTime is when a lab log line was written, from its own timestamp, if it has one. */
export function lineTime(text: string, now: Date): number | undefined {
  const logrus = LOGRUS_TIME.exec(text);
  if (logrus) {
    const t = Date.parse(logrus[1]!);
    return Number.isNaN(t) ? undefined : t;
  }
  const m = SYSLOG_DATE.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  // the file has no year: the latest date not in the future
  const at = new Date(now.getFullYear(), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  if (at.getTime() > now.getTime() + 60_000) at.setFullYear(at.getFullYear() - 1);
  return at.getTime();
}

/** withIsoTime rewrites a replayed line so the parsers read its own time, not the time it was read. */
function withIsoTime(text: string, at: number): string {
  const iso = new Date(at).toISOString().replace("Z", "+0000");
  return `${iso} ${text.replace(SYSLOG_DATE, "")}`;
}

class Tail {
  private offset = 0;
  private partial = "";
  constructor(readonly file: LabLogFile) {}

  /** read returns the complete lines appended since the last read. */
  async read(): Promise<string[]> {
    const handle = await open(this.file.path, "r").catch(() => undefined);
    if (!handle) return [];
    try {
      const { size } = await handle.stat();
      if (size < this.offset) [this.offset, this.partial] = [0, ""]; // truncated or replaced
      if (size === this.offset) return [];
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buffer.subarray(0, bytesRead).toString("utf8")).split("\n");
      this.partial = lines.pop()!;
      return lines.filter(Boolean);
    } finally {
      await handle.close();
    }
  }
}

/** replayLines reads what the files hold from `since` on, each line carrying its own time, merged by time. */
async function replayLines(tails: readonly Tail[], since: number, now: number): Promise<LogLine[]> {
  const replay: Array<LogLine & { at: number }> = [];
  for (const tail of tails) {
    for (const text of await tail.read()) {
      const at = lineTime(text, new Date(now));
      if (at !== undefined && at >= since) replay.push({ origin: tail.file.origin, text: withIsoTime(text, at), receivedAt: at, at });
    }
  }
  return replay.sort((a, b) => a.at - b.at).map(({ at: _at, ...line }) => line);
}

/** readLabLogs returns the lab's dnsmasq and matchbox lines written since `since` (ms), in order. */
export function readLabLogs(files: readonly LabLogFile[], since: number, now: number): Promise<LogLine[]> {
  return replayLines(files.map((f) => new Tail(f)), since, now);
}

/** followLabLogs yields the lab's dnsmasq and matchbox lines until the signal aborts. */
export async function* followLabLogs(files: readonly LabLogFile[], o: { clock: Clock; signal: AbortSignal; sinceMs: number; pollMs?: number }): LogSource {
  const tails = files.map((f) => new Tail(f));
  const now = o.clock.now();
  yield* await replayLines(tails, now - o.sinceMs, now);
  while (!o.signal.aborted) {
    for (const tail of tails) {
      for (const text of await tail.read()) yield { origin: tail.file.origin, text, receivedAt: o.clock.now() };
    }
    await o.clock.sleep(o.pollMs ?? 100, o.signal).catch(() => undefined);
  }
}
