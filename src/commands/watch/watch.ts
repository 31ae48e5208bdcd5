// pxectl watch, the command: the host's journal over SSH, cloud power and SSH readiness as
// signals, one lifecycle per node; a live table on a terminal, JSON lines otherwise. An
// installed node's install group is switched to local boot, so it does not reinstall.
import type { BmcRecord } from "../../bmc";
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { StateError, UsageError } from "../../core/errors";
import { labLogFiles, labOf } from "../../lab/state";
import type { Stage } from "../../watch";
import { connectRecordedHost } from "../../environment/reach";
import { followJournal } from "../../environment/follow";
import { ReadinessProber, pollPower } from "../../environment/probes";
import type { MatchboxOverrides } from "../../matchbox/connect";
import { DEFAULT_STUCK_OPTIONS, type LogSource, type NodeView, type RegisteredNode, type SignalSource, type WatchEvent, type WatchObserver, LiveTable, describeEvent, jsonEvent, outcomeError, watch } from "../../watch";
import { push } from "../../project";

export interface WatchCommandOptions extends MatchboxOverrides {
  nodes: string[];
  until: "installed" | "ready";
  timeout: number;
  stall: number;
  failAfter: number;
  guard: boolean;
}

export interface WatchSummary {
  outcome: string;
  nodes: Array<{ node: string; mac: string; ip: string | null; stage: Stage; reached: boolean; stuck: string | null }>;
}

/** run follows the nodes until they reach --until, fail, or time runs out. */
export async function run(o: WatchCommandOptions, ctx: Context): Promise<CommandResult<WatchSummary> | undefined> {
  const project = await ctx.project();
  const state = (await ctx.readState()).state;
  const registered: RegisteredNode[] = Object.entries(state.nodes).map(([name, n]) => ({
    name,
    mac: n.mac,
    ...(n.cloud_id ? { cloudId: n.cloud_id as string } : {}),
    ...(n.stage === "installed" && !o.nodes.includes(name) ? { stage: "installed" as const } : {}),
  }));
  const inLab = project.config.provider === "lab";
  if (registered.length === 0) throw new StateError("no nodes to watch", { hint: inLab ? "boot VMs first: pxectl lab up --vms 2" : "register machines first: pxectl node add --mac MAC" });

  // replay the last minute of logs, so a boot that began just before the watch is seen whole,
  // but nothing from before a watched node was reinstalled: that boot is over
  const watched = o.nodes.length > 0 ? o.nodes : Object.keys(state.nodes);
  const resetAt = Math.max(0, ...watched.map((n) => state.nodes[n]).filter((n) => n?.stage === "declared" && typeof n.stage_at === "string").map((n) => Date.parse(n!.stage_at as string) || 0));
  const sinceMs = Math.max(0, Math.min(60_000, ctx.clock.now() - resetAt));
  let views: NodeView[] = [];
  // the sources stop when the watch ends, not only on Ctrl-C: a poller waiting between polls
  // would otherwise keep polling (and the command running) after every node has settled
  const sourcesDone = new AbortController();
  const sourceSignal = AbortSignal.any([ctx.signal, sourcesDone.signal]);
  let prober: ReadinessProber | undefined;
  let logs: LogSource;
  const signals: SignalSource[] = [];
  const lab = labOf(state);
  if (inLab && !lab) throw new StateError("the lab is not up", { hint: "run pxectl lab up first (as root)" });
  if (lab) {
    if (o.until === "ready") throw new UsageError("lab VMs run no SSH server: --until ready cannot be reached in the lab", { hint: "use --until installed" });
    const { followLabLogs } = await import("../../lab/logs");
    logs = followLabLogs(labLogFiles(lab), { clock: ctx.clock, signal: sourceSignal, sinceMs });
  } else {
    const host = await connectRecordedHost(ctx);
    logs = followJournal({
      connect: () => Promise.resolve(host),
      clock: ctx.clock,
      signal: sourceSignal,
      sinceMs,
      onReconnect: (n, e) => ctx.out.warn(`lost the host's journal (${e instanceof Error ? e.message : String(e)}); reconnecting (${n})`),
    });
    prober = new ReadinessProber(host, (node) => views.find((v) => v.node === node)?.ip, { clock: ctx.clock, signal: sourceSignal });
    signals.push(prober.signals());
  }
  const cloudNodes = registered.filter((n): n is RegisteredNode & { cloudId: string } => Boolean(n.cloudId));
  if (project.config.provider === "sakuracloud" && cloudNodes.length > 0) {
    const { openCloud } = await import("../../environment/cloud-client");
    const api = await openCloud(ctx, project.config);
    signals.push(pollPower(api, cloudNodes.map((n) => ({ name: n.name, cloudId: n.cloudId })), { clock: ctx.clock, signal: sourceSignal }));
  }
  // machines with a BMC: their power, as their BMCs report it
  const bmcNodes = Object.entries(state.nodes).flatMap(([name, n]) => (n.bmc && watched.includes(name) ? [{ name, bmc: n.bmc as BmcRecord }] : []));
  if (bmcNodes.length > 0) {
    const { pollBmcPower } = await import("../../nodes/bmc");
    signals.push(pollBmcPower(ctx, bmcNodes, { signal: sourceSignal }));
  }

  // the install-loop guard: once the installer has the installed config, the node's next
  // network boot must boot its disk; record the stage and push its groups, one node at a time
  let guarding = Promise.resolve();
  const record = (node: string, stage: "installed-config" | "installed") => {
    if (!o.guard && stage === "installed-config") return;
    guarding = guarding.then(async () => {
      const store = await ctx.writeState();
      const before = store.state.nodes[node]?.stage;
      await store.update((s) => {
        const n = s.nodes[node];
        if (n) Object.assign(n, { stage, stage_at: new Date(ctx.clock.now()).toISOString() });
      });
      if (!o.guard || before === "installed-config" || before === "installed") return;
      await push({ ...o, prune: false }, ctx, { quiet: true }).catch((e: unknown) => ctx.out.warn(`could not switch ${node} to boot from its disk: ${e instanceof Error ? e.message : String(e)}`));
    });
  };

  const screen = ctx.out.live();
  const base: WatchObserver = screen
    ? new LiveTable(screen, ctx.out.style, { until: o.until })
    : { event: (e: WatchEvent) => (ctx.out.mode === "table" ? ctx.out.event(e, (v, s) => describeEvent(v, s)) : ctx.out.event(jsonEvent(e))) };
  const observer: WatchObserver = {
    event(e) {
      if (e.type === "stage" && e.stage === "installed-config") record(e.node, e.stage);
      if (e.type === "stage" && e.stage === "installed") {
        prober?.probe(e.node);
        record(e.node, e.stage);
      }
      base.event(e);
    },
    refresh(now, current) {
      views = current();
      base.refresh?.(now, () => views);
    },
  };
  const result = await watch(
    { logs: [logs], signals, registry: { nodes: () => registered } },
    {
      until: o.until,
      timeoutMs: o.timeout,
      // behind a proxy DHCP the installed system's lease request never reaches the host's logs
      installedOnBootScript: o.guard && project.config.network.dhcp === "proxy",
      ...(o.nodes.length > 0 ? { nodes: o.nodes } : {}),
      stuck: { stallMs: o.stall, bootStepMs: Math.min(DEFAULT_STUCK_OPTIONS.bootStepMs, o.stall), failAfterMs: o.failAfter },
    },
    { clock: ctx.clock, observer, signal: ctx.signal },
  ).finally(() => sourcesDone.abort());
  await guarding;
  const summary: WatchSummary = {
    outcome: result.outcome,
    nodes: result.nodes.map((v) => ({ node: v.node, mac: v.mac, ip: v.ip ?? null, stage: v.stage, reached: v.reached, stuck: v.stuck ? `${v.stuck.cause}: ${v.stuck.message}` : null })),
  };
  const error = outcomeError(result, o.timeout);
  if (error) throw error;
  // a stream's summary is its last line, the done event: nothing more on stdout
  if (ctx.out.mode !== "table") return undefined;
  return {
    value: summary,
    render: (v, s) => `${s.green("✓")} ${v.nodes.filter((n) => n.reached).length} node(s) reached ${o.until}`,
  };
}
