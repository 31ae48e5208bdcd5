// Following the host's journal over SSH for watch: one journalctl for dnsmasq and matchbox,
// resumed after a dropped connection from the cursor of the last line read, so no line is
// lost or read twice. The stream ends when the watch returns or the signal aborts.
import type { Clock } from "../core/clock";
import { RemoteError } from "../core/errors";
import { type RemoteHost, quoteAll } from "../remote";
import { type LogLine, journalCursor, journalctlArgs } from "../watch";

export interface FollowOptions {
  /** Connects (again): the first connection, and a new one after a drop. */
  connect: () => Promise<RemoteHost>;
  clock: Clock;
  signal: AbortSignal;
  /** Start this long before now, so a boot that began just before the watch is seen whole. */
  sinceMs: number;
  /** Reconnections allowed in a row without a line between them. */
  maxReconnects?: number;
  onReconnect?: (attempt: number, error: unknown) => void;
}

/** followJournal yields the host's dnsmasq and matchbox journal lines as they are written. */
export async function* followJournal(o: FollowOptions): AsyncGenerator<LogLine> {
  let cursor: string | undefined;
  let failures = 0;
  const since = o.clock.now() - o.sinceMs;
  for (;;) {
    try {
      const host = await o.connect();
      const command = quoteAll(journalctlArgs({ follow: true, ...(cursor ? { afterCursor: cursor } : { since }) }));
      for await (const text of host.lines(command, { asRoot: true, signal: o.signal, label: "journalctl --follow" })) {
        failures = 0;
        cursor = journalCursor(text) ?? cursor;
        yield { origin: "journal-json", text, receivedAt: o.clock.now() };
      }
      if (o.signal.aborted) return;
      throw new RemoteError("journalctl stopped on the host", { hint: "check the host's journal service" });
    } catch (e) {
      if (o.signal.aborted) return;
      if (++failures > (o.maxReconnects ?? 5)) throw e;
      o.onReconnect?.(failures, e);
      await o.clock.sleep(Math.min(1000 * 2 ** failures, 15_000), o.signal).catch(() => undefined);
    }
  }
}
