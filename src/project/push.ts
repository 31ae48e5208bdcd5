// push: the core use case behind profile apply, node add/remove/reinstall, lab up/boot and
// watch. Render the profile directory and the registered nodes, plan against matchbox,
// apply, and record what was written.
import { type Owned, type PlanView, DEFAULT_CONCURRENCY, executePlan, listLive, ownedFrom, planAgainst, planView, renderPlan } from "../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../matchbox/connect";
import type { NodeRecord } from "../config/state";
import { isNodeObject } from "../nodes/objects";
import { syncGrubNodes } from "./grub-nodes";
import { loadDesired } from "./load";
import { saveOwned } from "./owned";
import type { Session } from "./session";

export interface PushOptions extends MatchboxOverrides {
  dir?: string;
  prune: boolean;
  concurrency?: number;
}

/** PushResult is the plan that was applied, where, and how many writes it took. */
export interface PushResult extends PlanView {
  endpoint: string;
  writes: number;
}

/**
 * checkPush does what push does short of writing: it renders the profile directory with the
 * registered nodes and `adding`, connects to matchbox (certificates checked) and plans. Commands
 * that bill for something call it first, so a project that cannot push costs nothing.
 */
export async function checkPush(o: PushOptions, ctx: Session, adding: Readonly<Record<string, NodeRecord>>): Promise<void> {
  const store = await ctx.readState();
  const loaded = await loadDesired(ctx, o.dir, { adding, warn: false });
  const { api, endpoint } = await connectMatchbox(ctx, o);
  await planAgainst(api, loaded.desired, ownedFrom(store.state.apply, endpoint), { prune: (kind, id) => o.prune || isNodeObject(kind, id) });
}

const ownsAny = (owned: Owned) => owned.profiles.size + owned.groups.size + owned.ignition.size > 0;

/**
 * push renders the directory and the registered nodes, plans and applies. Objects pxectl
 * declares for nodes go with their node, even without prune. Deletes need a confirmation
 * (a prompt on a terminal, --yes otherwise). What was written is recorded in state as each
 * call succeeds, so a failed or interrupted push is finished by running it again.
 */
export async function push(o: PushOptions, ctx: Session, { quiet = false } = {}): Promise<PushResult> {
  const store = await ctx.writeState();
  // a server pxectl wrote to before lists its objects (thousands of files for matchbox to
  // read) while the directory renders; a new one only after, so that a problem in the
  // directory is reported without a connection to a server that might never answer
  const connection = connectMatchbox(ctx, o);
  const early = connection.then(({ api, endpoint }) => (ownsAny(ownedFrom(store.state.apply, endpoint)) ? listLive(api) : undefined));
  early.catch(() => undefined);
  const loaded = await loadDesired(ctx, o.dir).catch(async (e: unknown) => {
    // the connection's close is deferred once it is open
    await connection.catch(() => undefined);
    throw e;
  });
  const { api, endpoint } = await connection;
  const owned = ownedFrom(store.state.apply, endpoint);
  const plan = await planAgainst(api, loaded.desired, owned, { prune: (kind, id) => o.prune || isNodeObject(kind, id) }, early.then((live) => live ?? listLive(api)));
  const view = planView(plan, loaded.desired.warnings);
  const total = plan.changes.length;
  if (total > 0) {
    // a removed node's groups and old versions of configs go without asking: nobody wrote them by hand
    const deletes = plan.changes.filter((c) => c.action === "delete" && c.kind !== "ignition" && !isNodeObject(c.kind, c.id)).length;
    if ((ctx.out.mode === "table" && !quiet) || deletes > 0) ctx.out.info(renderPlan(view, ctx.out.style));
    if (deletes > 0) await ctx.prompt.confirm(`delete ${deletes} object${deletes === 1 ? "" : "s"} from matchbox at ${endpoint}?`, { flag: "--yes" });
  }
  let writes = 0;
  const execute = (progress?: (text: string) => void) =>
    executePlan(api, plan, owned, {
      concurrency: o.concurrency ?? DEFAULT_CONCURRENCY,
      signal: ctx.signal,
      progress: (done, all) => {
        writes = done;
        progress?.(`${done}/${all}`);
      },
    });
  try {
    // with nothing to write, executePlan still settles ownership (objects deleted by hand are forgotten)
    if (total === 0 || quiet) await execute();
    else await ctx.out.step(`applying ${total} change${total === 1 ? "" : "s"} to matchbox at ${endpoint}`, (step) => execute((t) => step.update(t)));
  } catch (e) {
    if (writes > 0) ctx.out.warn(`${writes} of ${total} changes were applied and are recorded; run the same command again to finish`);
    throw e;
  } finally {
    await saveOwned(store, endpoint, owned, new Date(ctx.clock.now()));
    await loaded.saveCache();
  }
  // nodes that boot GRUB (Secure Boot) read their config over TFTP, not from matchbox: it follows every push
  if (!o.endpoint) await syncGrubNodes(ctx, store, (await ctx.project()).config, loaded.desired);
  return { ...view, endpoint, writes };
}
