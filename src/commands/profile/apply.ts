import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { renderPlan } from "../../matchbox/apply";
import { type PushOptions, type PushResult, push } from "../../project";

export type ApplyOptions = PushOptions;
export type ApplyResult = PushResult;

/** run pushes the profile directory and the registered nodes to matchbox (see project/push). */
export async function run(o: ApplyOptions, ctx: Context): Promise<CommandResult<ApplyResult>> {
  const value = await push(o, ctx);
  return {
    value,
    render: (v, s) => {
      if (v.changes.length === 0) return renderPlan(v, s);
      const { create, update, delete: del, unchanged } = v.summary;
      return `${s.green("✓")} applied to matchbox at ${v.endpoint}: ${create} created, ${update} updated, ${del} deleted (${unchanged} unchanged)`;
    },
  };
}
