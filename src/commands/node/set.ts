// pxectl node set: change a registered node's BMC (add one, replace its address, user or
// password, or forget it) without registering the machine again.
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { UsageError } from "../../core/errors";
import { removeBmcPassword } from "../../bmc";
import { bmcOf } from "../../nodes/bmc";
import { type BmcOptions, readBmcOptions } from "../../nodes/bmc-options";
import { findNode } from "../../project";

export interface SetOptions extends BmcOptions {
  name: string;
  /** commander's --no-bmc: false forgets the BMC. */
  bmcRemove?: boolean;
}

export interface SetResult {
  name: string;
  bmc: { url: string; user: string; via: string } | null;
}

/** run records (or forgets) the node's BMC; the password goes to .pxectl/bmc/NODE.password. */
export async function run(o: SetOptions, ctx: Context): Promise<CommandResult<SetResult>> {
  await findNode(ctx, o.name);
  const store = await ctx.writeState();
  const earlier = bmcOf(store.state.nodes[o.name]!);
  let bmc: SetResult["bmc"];
  if (o.bmcRemove) {
    if (o.bmc || o.bmcUser || o.bmcPasswordFile || o.bmcVia) throw new UsageError("--no-bmc forgets the BMC: it takes no other --bmc flag", { hint: `pxectl node set ${o.name} --no-bmc` });
    await store.update((s) => void delete s.nodes[o.name]!.bmc);
    await removeBmcPassword(ctx.stateDir, o.name);
    bmc = null;
  } else {
    if (!o.bmc && !earlier) throw new UsageError(`node ${o.name} has no BMC yet: pass --bmc ipmi://ADDRESS --bmc-user USER`, { hint: `pxectl node set ${o.name} --bmc ipmi://10.0.0.21 --bmc-user ADMIN` });
    if (!o.bmc && !o.bmcUser && !o.bmcPasswordFile && !o.bmcVia && !ctx.env.PXECTL_BMC_PASSWORD && !ctx.prompt.interactive) {
      throw new UsageError("nothing to change", { hint: "pass --bmc, --bmc-user, --bmc-via, --bmc-password-file (or PXECTL_BMC_PASSWORD), or --no-bmc" });
    }
    const record = await readBmcOptions(o, o.name, ctx, earlier);
    await store.update((s) => void (s.nodes[o.name]!.bmc = record));
    bmc = record;
  }
  return {
    value: { name: o.name, bmc },
    render: (v, s) =>
      v.bmc
        ? `${s.green("✓")} node ${v.name}: BMC ${v.bmc.url} as ${v.bmc.user}, ipmitool runs ${v.bmc.via === "local" ? "on this machine" : "on the matchbox host (in a lab: in its network namespace)"}; password in ${ctx.display(`${ctx.stateDir}/bmc/${v.name}.password`)} (0600). Try: pxectl node power status ${v.name}`
        : `${s.green("✓")} node ${v.name} has no BMC now`,
  };
}
