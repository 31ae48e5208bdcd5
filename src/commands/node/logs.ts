import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { connectRecordedHost } from "../../environment/reach";
import { journalctlArgs, nodeLogFilter } from "../../watch";
import { type Envelope, dnsmasqEnvelope, journalEnvelope, matchboxEnvelope } from "../../watch/parse/envelope";
import { labLogFiles, labOf } from "../../lab/state";
import { findNode } from "../../project";
import { quoteAll } from "../../remote";

export interface LogsOptions {
  name: string;
  since: string;
}

export interface NodeLogLine {
  at: string | null;
  program: string;
  message: string;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseDuration(text: string): number {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) throw new UsageError(`invalid --since "${text}"`, { hint: "use a number and s, m, h or d, such as 30m or 2h" });
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** run prints the node's DHCP, TFTP and matchbox lines from the host's journal. */
export async function run(o: LogsOptions, ctx: Context): Promise<CommandResult<NodeLogLine[]>> {
  const since = ctx.clock.now() - parseDuration(o.since);
  const node = await findNode(ctx, o.name);
  const keep = nodeLogFilter([node.mac]);
  const lines: NodeLogLine[] = [];
  const add = (e: Envelope | undefined) => e && lines.push({ at: e.at === undefined ? null : new Date(e.at).toISOString(), program: e.program, message: e.message });
  const lab = labOf((await ctx.readState()).state);
  if (lab) {
    const { readLabLogs } = await import("../../lab/logs");
    for (const line of await readLabLogs(labLogFiles(lab), since, ctx.clock.now())) {
      if (keep(line)) add(line.origin === "dnsmasq" ? dnsmasqEnvelope(line.text) : matchboxEnvelope(line.text));
    }
  } else {
    const host = await connectRecordedHost(ctx);
    const { stdout } = await host.exec(quoteAll(journalctlArgs({ follow: false, since })), { asRoot: true, logOutput: false, label: "journalctl", idempotent: true });
    for (const text of stdout.split("\n")) if (text && keep({ origin: "journal-json", text })) add(journalEnvelope(text));
  }
  return {
    value: lines,
    render: (v, s) => (v.length === 0 ? `no lines for ${o.name} (${node.mac}) in the last ${o.since}` : v.map((l) => `${s.dim(l.at ?? "")} ${s.cyan(l.program)} ${l.message}`).join("\n")),
  };
}
