import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { stopLab } from "../../lab/lab";
import { labOf } from "../../lab/state";

export interface DownResult {
  namespace: string | null;
  stopped: number;
}

/** run stops the lab; without a lab it changes nothing. */
export async function run(_o: unknown, ctx: Context): Promise<CommandResult<DownResult>> {
  const store = await ctx.writeState();
  const namespace = labOf(store.state)?.namespace ?? null;
  const { stopped } = await stopLab(store);
  return {
    value: { namespace, stopped },
    render: (v, s) => (v.namespace ? `${s.green("✓")} lab down: ${v.stopped} programs and VMs stopped, namespace ${v.namespace} removed` : "the lab is not up: nothing to stop"),
  };
}
