// The boot lab's part of status: its namespace and its programs, in place of the cloud and
// SSH checks (provider: lab).
import type { Context } from "../../cli/context";
import { FailedError } from "../../core/errors";
import type { Check, CheckOutcome } from "../../environment/checks";
import { labServices } from "../../lab/lab";
import { namespaceExists } from "../../lab/network";
import { labOf } from "../../lab/state";

/** labChecks are "lab" (namespace present) and "lab programs" (dnsmasq, matchbox, the relays running). */
export function labChecks(ctx: Context): Check[] {
  const lab = async () => {
    const record = labOf((await ctx.readState()).state);
    if (!record) throw new FailedError("the lab is not up", { hint: "sudo pxectl lab up" });
    return record;
  };
  return [
    {
      name: "lab",
      needs: ["config"],
      async run(): Promise<CheckOutcome> {
        const record = await lab();
        if (!(await namespaceExists(record.namespace).catch(() => false))) {
          throw new FailedError(`network namespace ${record.namespace} is gone`, { hint: "sudo pxectl lab up starts the lab again" });
        }
        return { status: "pass", detail: `network namespace ${record.namespace}, host address ${record.address}` };
      },
    },
    {
      name: "lab programs",
      needs: ["lab"],
      async run(): Promise<CheckOutcome> {
        const programs = (await labServices(await lab())).filter((s) => !s.name.startsWith("vm "));
        const stopped = programs.filter((p) => !p.running).map((p) => p.name);
        if (stopped.length > 0) throw new FailedError(`${stopped.join(", ")} stopped`, { hint: "sudo pxectl lab up starts the lab again; the logs are in .pxectl/lab/" });
        return { status: "pass", detail: `${programs.map((p) => p.name).join(", ")} running` };
      },
    },
  ];
}
