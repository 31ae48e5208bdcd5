import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { stopCloudLabServer } from "../../lab/cloud-lab";
import { stopLab } from "../../lab/lab";
import { labOf } from "../../lab/state";

export interface DownResult {
  namespace: string | null;
  stopped: number;
  /** The cloud lab's namespace, when one was stopped (lab up --host vm). */
  cloudNamespace: string | null;
}

/** run stops the lab; without a lab it changes nothing. */
export async function run(_o: unknown, ctx: Context): Promise<CommandResult<DownResult>> {
  const cloud = await stopCloudLabServer(ctx.stateDir);
  const store = await ctx.writeState();
  const namespace = labOf(store.state)?.namespace ?? null;
  const { stopped } = await stopLab(store);
  return {
    value: { namespace, stopped, cloudNamespace: cloud?.namespace ?? null },
    render: (v, s) =>
      [
        ...(v.cloudNamespace ? [`${s.green("✓")} cloud lab down: the SakuraCloud test server stopped, its VMs and namespace ${v.cloudNamespace} removed`] : []),
        v.namespace ? `${s.green("✓")} lab down: ${v.stopped} programs and VMs stopped, namespace ${v.namespace} removed` : v.cloudNamespace ? "" : "the lab is not up: nothing to stop",
      ].filter(Boolean).join("\n"),
  };
}
