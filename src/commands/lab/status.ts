import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { FailedError, LabError } from "../../core/errors";
import { type ServiceStatus, labServices } from "../../lab/lab";
import { namespaceExists } from "../../lab/network";
import { labOf } from "../../lab/state";
import { renderTable } from "../../output/table";

export interface LabStatus {
  namespace: string;
  namespaceExists: boolean;
  grpcEndpoint: string | null;
  services: ServiceStatus[];
}

/** run shows the lab's programs and VMs; exit 1 when a program of the lab has stopped. */
export async function run(_o: unknown, ctx: Context): Promise<CommandResult<LabStatus>> {
  const { state } = await ctx.readState();
  const lab = labOf(state);
  if (!lab) throw new LabError("the lab is not up", { hint: "sudo pxectl lab up" });
  const value: LabStatus = {
    namespace: lab.namespace,
    namespaceExists: await namespaceExists(lab.namespace).catch(() => false),
    grpcEndpoint: (state.matchbox?.grpc_endpoint as string | undefined) ?? null,
    services: await labServices(lab),
  };
  const broken = value.services.filter((s) => !s.running && !s.name.startsWith("vm "));
  return {
    value,
    exitCode: broken.length > 0 || !value.namespaceExists ? new FailedError("").exitCode : 0,
    render: (v, s) =>
      [
        `namespace ${v.namespace}: ${v.namespaceExists ? s.green("present") : s.red("missing")}; matchbox gRPC ${v.grpcEndpoint ?? "-"}`,
        renderTable(v.services, [
          { header: "PROGRAM", value: (r) => r.name },
          { header: "PID", value: (r) => (r.pid === null ? "-" : String(r.pid)), align: "right" },
          { header: "STATE", value: (r) => (r.running ? s.green("running") : s.red("stopped")) },
          { header: "DETAIL", value: (r) => r.detail },
        ], s.bold),
        ...(broken.length > 0 ? [`${s.red("✗")} ${broken.map((b) => b.name).join(", ")} stopped: sudo pxectl lab up starts the lab again`] : []),
      ].join("\n"),
  };
}
