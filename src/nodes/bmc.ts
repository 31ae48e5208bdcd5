// Nodes' BMCs as commands use them: which ipmitool runner a node's BMC needs (the matchbox
// host over SSH, the lab's namespace, or this machine), its password from its file, and
// power actions on several nodes at once, each outcome recorded in state as the node's power.
import type { Session } from "../project/session";
import { type PxeError, toPxeError } from "../core/errors";
import { forEachLimit } from "../core/concurrency";
import type { NodeRecord, StateStore } from "../config/state";
import { type BmcRecord, type BmcTarget, type IpmiRunner, type PowerAction, type PowerOutcome, bootFromNetworkOnce, formatBmc, hostRunner, localRunner, parseBmcUrl, power, powerStatus, readBmcPassword } from "../bmc";
import { connectRecordedHost } from "../environment/reach";
import { inNamespace } from "../lab/network";
import { labOf } from "../lab/state";
import type { NodeSignal } from "../watch";

/** bmcOf reads node.bmc from state. */
export const bmcOf = (node: NodeRecord) => node.bmc as BmcRecord | undefined;

/** Runners opens each way of reaching BMCs once per command, when a node first needs it. */
export class Runners {
  private host: Promise<IpmiRunner> | undefined;
  constructor(private readonly ctx: Session) {}

  async for(bmc: BmcRecord): Promise<IpmiRunner> {
    if (bmc.via === "local") return localRunner();
    this.host ??= (async () => {
      // in the lab the matchbox host is the lab's network namespace on this machine
      const lab = labOf((await this.ctx.readState()).state);
      if (lab) return localRunner(`the lab's network namespace ${lab.namespace}`, inNamespace(lab.namespace, []));
      return hostRunner(await connectRecordedHost(this.ctx));
    })();
    return this.host;
  }
}

/** bmcTarget is a node's BMC with its password, ready for ipmitool. */
export async function bmcTarget(ctx: Session, name: string, bmc: BmcRecord): Promise<BmcTarget> {
  const address = parseBmcUrl(bmc.url);
  const password = await readBmcPassword(ctx.stateDir, name, ctx.out.redactor);
  return { node: name, label: formatBmc(address), host: address.host, port: address.port, cipher: address.cipher, user: bmc.user, password };
}

/** NodePower is one node's outcome; error is set instead of state when its BMC failed. */
export interface NodePower {
  node: string;
  bmc: string;
  state: "on" | "off" | null;
  did: PowerOutcome["did"] | null;
  /** Reinstall asked the BMC for one network boot first. */
  bootdev: "pxe" | null;
  error: { code: string; exitCode: number; message: string; hint: string | null } | null;
}

/**
 * powerNodes runs an action on every named node's BMC at once (bounded), records each power
 * state it learns, and returns every outcome: one BMC failing does not stop the others.
 */
export async function powerNodes(
  ctx: Session,
  store: StateStore,
  names: readonly string[],
  action: PowerAction,
  o: { networkBootFirst?: boolean } = {},
): Promise<{ results: NodePower[]; failures: PxeError[] }> {
  const runners = new Runners(ctx);
  const results = new Map<string, NodePower>();
  const failures = new Map<string, PxeError>();
  await forEachLimit(names, 8, async (name) => {
    const bmc = bmcOf(store.state.nodes[name]!)!;
    const result: NodePower = { node: name, bmc: bmc.url, state: null, did: null, bootdev: null, error: null };
    results.set(name, result);
    try {
      const target = await bmcTarget(ctx, name, bmc);
      result.bmc = target.label;
      const runner = await runners.for(bmc);
      if (o.networkBootFirst) {
        await bootFromNetworkOnce(runner, target, ctx.signal);
        result.bootdev = "pxe";
      }
      const outcome = await power(runner, target, action, ctx.signal);
      Object.assign(result, outcome);
      const at = new Date(ctx.clock.now()).toISOString();
      await store.update((s) => {
        const node = s.nodes[name];
        if (node) Object.assign(node, { power: outcome.state, power_at: at });
      });
    } catch (e) {
      const err = toPxeError(e);
      if (err.code === "interrupted") throw err;
      failures.set(name, err);
      result.error = { code: err.code, exitCode: err.exitCode, message: err.message, hint: err.hint ?? null };
    }
  }, ctx.signal);
  return { results: names.map((n) => results.get(n)!), failures: names.flatMap((n) => failures.get(n) ?? []) };
}

/**
 * pollBmcPower yields a power signal for watch whenever a BMC node's power changes (asked every
 * intervalMs) until signal aborts: it yields only on a change, so closing it needs the signal.
 */
export async function* pollBmcPower(ctx: Session, nodes: ReadonlyArray<{ name: string; bmc: BmcRecord }>, o: { signal: AbortSignal; intervalMs?: number }): AsyncGenerator<NodeSignal> {
  const runners = new Runners(ctx);
  const last = new Map<string, string>();
  while (!o.signal.aborted) {
    for (const n of nodes) {
      if (o.signal.aborted) return;
      try {
        const state = await powerStatus(await runners.for(n.bmc), await bmcTarget(ctx, n.name, n.bmc), o.signal);
        if (last.get(n.name) !== state) {
          last.set(n.name, state);
          yield { kind: "power", node: n.name, state, at: ctx.clock.now() };
        }
      } catch {
        // a BMC that does not answer now may answer at the next poll: watch goes on from the logs
      }
    }
    await ctx.clock.sleep(o.intervalMs ?? 15_000, o.signal).catch(() => undefined);
  }
}
