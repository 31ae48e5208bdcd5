// Server plans: the CPU/memory combinations a zone offers.
import { NotFoundError } from "../../core/errors";
import { type ClientContext, listOf } from "../client-context";
import { toServerPlan } from "../convert";
import type { PlanApi, PlanSpec, ServerPlan } from "../types";

const gb = (memoryMB: number) => `${memoryMB / 1024} GB`;

/** planApi implements PlanApi over ctx. */
export function planApi(ctx: ClientContext): PlanApi {
  const plans = (filter: Record<string, unknown>, what: string) =>
    listOf(ctx, { path: "product/server", plural: "ServerPlans", what, convert: toServerPlan }, { filter, sort: ["-Generation"] });

  return {
    async findServerPlan(spec: PlanSpec): Promise<ServerPlan> {
      const commitment = spec.commitment ?? "standard";
      // The API takes booleans in filters only as 0/1.
      const base = { Commitment: commitment, ConfidentialVM: 0, ...(spec.generation ? { Generation: spec.generation } : {}) };
      const wanted = `${spec.cpu} cores and ${gb(spec.memoryMB)}`;
      const found = await plans({ ...base, CPU: spec.cpu, MemoryMB: spec.memoryMB }, `find a server plan with ${wanted}`);
      const plan = found.items.find((p) => p.availability === "available");
      if (plan) return plan;
      const all = (await plans(base, "list server plans")).items.filter((p) => p.availability === "available");
      const near = [...new Map(all.map((p) => [`${p.cpu}/${p.memoryMB}`, p])).values()]
        .sort((a, b) => Math.abs(a.cpu - spec.cpu) - Math.abs(b.cpu - spec.cpu) || Math.abs(a.memoryMB - spec.memoryMB) - Math.abs(b.memoryMB - spec.memoryMB))
        .slice(0, 4)
        .map((p) => `${p.cpu} cores/${gb(p.memoryMB)}`);
      throw new NotFoundError(`zone ${ctx.zone} has no ${commitment} server plan with ${wanted}`, {
        hint: near.length > 0 ? `choose another size, such as ${near.join(", ")}` : "choose another size or zone",
      });
    },
  };
}
