// Runs a plan against matchbox with bounded concurrency, in an order that never leaves a
// group pointing at a missing profile or a profile at a missing config: configs, then
// profiles, then groups are written; deletes run the other way round.
import { forEachLimit } from "../../core/concurrency";
import { NotFoundError } from "../../core/errors";
import type { MatchboxApi } from "../types";
import type { Owned } from "./ownership";
import type { Plan } from "./plan";

/** ApplyProgress is told about each finished write. */
export type ApplyProgress = (done: number, total: number) => void;

/** DEFAULT_CONCURRENCY bounds calls in flight on the one HTTP/2 connection. */
export const DEFAULT_CONCURRENCY = 32;

/**
 * executePlan applies the plan and returns the number of writes. owned is updated in place
 * as each call succeeds, so after a failure it still says what pxectl wrote (save it, so a
 * re-run can finish or prune); after success it equals plan.ownedAfter.
 */
export async function executePlan(
  api: MatchboxApi,
  plan: Plan,
  owned: Owned,
  o: { concurrency?: number; signal?: AbortSignal; progress?: ApplyProgress } = {},
): Promise<number> {
  const limit = o.concurrency ?? DEFAULT_CONCURRENCY;
  const total = plan.puts.configs.length + plan.puts.profiles.length + plan.puts.groups.length + plan.deletes.groups.length + plan.deletes.profiles.length + plan.deletes.configs.length;
  let writes = 0;
  const done = () => {
    writes++;
    o.progress?.(writes, total);
  };
  const run = <T>(items: readonly T[], work: (item: T) => Promise<void>) => forEachLimit(items, limit, async (item) => {
    await work(item);
    done();
  }, o.signal);
  // a delete whose answer was lost (matchbox restarted) finds the object gone on the re-run
  const gone = (e: unknown) => {
    if (!(e instanceof NotFoundError)) throw e;
  };
  await run(plan.puts.configs, async (c) => {
    await api.ignitionPut(c.name, Buffer.from(c.compiled().json, "utf8"));
    owned.ignition.add(c.name);
  });
  await run(plan.puts.profiles, async (p) => {
    await api.profilePut(p);
    owned.profiles.add(p.id);
  });
  await run(plan.puts.groups, async (g) => {
    await api.groupPut(g);
    owned.groups.add(g.id);
  });
  await run(plan.deletes.groups, async (id) => {
    await api.groupDelete(id).catch(gone);
    owned.groups.delete(id);
  });
  await run(plan.deletes.profiles, async (id) => {
    await api.profileDelete(id).catch(gone);
    owned.profiles.delete(id);
  });
  await run(plan.deletes.configs, async (name) => {
    await api.ignitionDelete(name).catch(gone);
    owned.ignition.delete(name);
  });
  for (const kind of ["profiles", "groups", "ignition"] as const) {
    owned[kind].clear();
    for (const id of plan.ownedAfter[kind]) owned[kind].add(id);
  }
  return writes;
}
