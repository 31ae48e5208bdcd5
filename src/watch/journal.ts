// How the SSH follower reads the host's logs: which journalctl to run, and where to resume.

/** JournalOptions chooses where the stream starts and whether it follows. */
export interface JournalOptions {
  follow: boolean;
  /** Resume after this record (the cursor of the last line read before a reconnect). */
  afterCursor?: string;
  /** Start at this time (ms since the epoch), e.g. the start of a watch minus a margin. */
  since?: number;
  units?: readonly string[];
}

/** The units pxectl installs (UNITS in src/remote/installer/paths.ts; kept apart so watch stays pure). */
export const DEFAULT_UNITS = ["pxectl-dnsmasq.service", "matchbox.service"];

/**
 * journalctlArgs is the command line to run on the host. One stream for both units, so lines
 * keep journald's order; JSON, so no prefix needs guessing and MESSAGE is exactly what the
 * program logged; every record stamped by journald in microseconds (one clock for both
 * programs, see parse/envelope) and carrying a cursor to resume from after a reconnect.
 * Parse each output line as a LogLine with origin "journal-json".
 */
export function journalctlArgs(o: JournalOptions): string[] {
  const args = ["journalctl", "--no-pager", "--output=json", "--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID"];
  for (const unit of o.units ?? DEFAULT_UNITS) args.push(`--unit=${unit}`);
  if (o.afterCursor !== undefined) args.push(`--after-cursor=${o.afterCursor}`);
  else if (o.since !== undefined) args.push(`--since=@${Math.floor(o.since / 1000)}`);
  else if (o.follow) args.push("--lines=0");
  if (o.follow) args.push("--follow");
  return args;
}

const CURSOR = /"__CURSOR":"([^"]+)"/;

/** journalCursor is the cursor of one JSON record, to pass as afterCursor when reconnecting. */
export function journalCursor(line: string): string | undefined {
  return CURSOR.exec(line)?.[1];
}
