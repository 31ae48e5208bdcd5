// pxectl node power: on, off, cycle or status of nodes through their BMCs, all at once;
// every node's outcome is reported, and one BMC failing does not stop the others.
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { type PowerAction, POWER_ACTIONS } from "../../bmc";
import { type NodePower, bmcOf, powerNodes } from "../../nodes/bmc";
import { findNode } from "../../project";

export interface PowerOptions {
  action: string;
  names: string[];
}

/** exitCodeOf is the failures' common exit code, or 1 (failed) when they differ. */
function exitCodeOf(results: readonly NodePower[]): number | undefined {
  const codes = new Set(results.flatMap((r) => (r.error ? [r.error.exitCode] : [])));
  return codes.size === 0 ? undefined : codes.size === 1 ? [...codes][0] : 1;
}

/** run powers the named nodes through their BMCs and reports each. */
export async function run(o: PowerOptions, ctx: Context): Promise<CommandResult<NodePower[]>> {
  if (!POWER_ACTIONS.includes(o.action as PowerAction)) throw new UsageError(`unknown power action "${o.action}"`, { hint: `use one of ${POWER_ACTIONS.join(", ")}: pxectl node power status web1` });
  const names = [...new Set(o.names)];
  for (const name of names) {
    const node = await findNode(ctx, name);
    if (!bmcOf(node)) {
      throw new UsageError(`node ${name} has no BMC: pxectl cannot power it`, { hint: node.cloud_id ? "it is a SakuraCloud server: node reinstall power-cycles it through the API" : `pxectl node set ${name} --bmc ipmi://ADDRESS --bmc-user USER` });
    }
  }
  const store = await ctx.writeState();
  const { results, failures } = await powerNodes(ctx, store, names, o.action as PowerAction);
  // one node: its failure is the command's error; several: each failure is reported, the others' outcomes too
  if (names.length === 1 && failures[0]) throw failures[0];
  for (const f of failures) ctx.out.failure(f, { verbose: ctx.globals.verbose });
  return {
    value: results,
    exitCode: exitCodeOf(results),
    render: (v, s) =>
      v
        .map((r) =>
          r.error
            ? `${s.red("✗")} ${r.node} (${r.bmc}): ${r.error.code}${r.error.hint ? `; ${r.error.hint}` : ""}`
            : `${s.green("✓")} ${r.node} (${r.bmc}): ${r.state === "on" ? s.green("on") : "off"}${r.did === "nothing" ? "" : ` (${r.did})`}`,
        )
        .join("\n"),
  };
}
