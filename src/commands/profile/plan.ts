import type { CommandResult } from "../../cli/command";
import { isNodeObject } from "../../nodes/objects";
import type { Context } from "../../cli/context";
import { type PlanView, makePlan, ownedFrom, planAgainst, planView, renderPlan } from "../../matchbox/apply";
import { type MatchboxOverrides, connectMatchbox } from "../../matchbox/connect";
import { loadDesired } from "../../project";

export interface PlanOptions extends MatchboxOverrides {
  dir?: string;
  prune: boolean;
  offline: boolean;
}

/** PlanResult is the plan, and whether it was compared with a live server. */
export interface PlanResult extends PlanView {
  compared_with: string | null;
}

/** run renders and validates the directory, then plans against matchbox (or nothing, offline). */
export async function run(o: PlanOptions, ctx: Context): Promise<CommandResult<PlanResult>> {
  // offline, -f DIR may use the project file beside DIR (examples/profiles -> examples/pxectl.yaml)
  const { desired } = await loadDesired(ctx, o.dir, { projectBeside: o.offline });
  let value: PlanResult;
  if (!o.offline) {
    const { api, endpoint } = await connectMatchbox(ctx, o);
    const state = await ctx.readState();
    const plan = await planAgainst(api, desired, ownedFrom(state.state.apply, endpoint), { prune: (kind, id) => o.prune || isNodeObject(kind, id) });
    value = { ...planView(plan, desired.warnings), compared_with: endpoint };
  } else {
    const plan = makePlan(desired, { profiles: [], groups: [] }, ownedFrom(undefined, ""), { prune: false });
    value = { ...planView(plan, desired.warnings), compared_with: null };
  }
  return {
    value,
    render: (v, s) => {
      const text = renderPlan(v, s);
      return v.compared_with ? text : `${text}\n${s.dim("(offline: every config is valid; not compared with a matchbox server)")}`;
    },
  };
}
