// How a plan is shown: a summary line and one line per change (field changes indented
// under updates) for people; a stable JSON shape for scripts.
import type { Style } from "../../output/style";
import type { Change, Plan } from "./plan";

/** PlanView is the JSON form of a plan (also what render() draws). */
export interface PlanView {
  summary: { create: number; update: number; delete: number; unchanged: number };
  changes: Change[];
  warnings: string[];
}

/** planView summarises a plan for output. */
export function planView(plan: Plan, warnings: string[] = []): PlanView {
  const count = (a: Change["action"]) => plan.changes.filter((c) => c.action === a).length;
  const unchanged = plan.unchanged.profile + plan.unchanged.group + plan.unchanged.ignition;
  return { summary: { create: count("create"), update: count("update"), delete: count("delete"), unchanged }, changes: plan.changes, warnings };
}

function brief(v: unknown): string {
  if (v === undefined || v === "") return "(none)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/** renderPlan draws a plan for a terminal; applied switches the wording to the past tense. */
export function renderPlan(view: PlanView, s: Style, { applied = false } = {}): string {
  const { create, update, delete: del, unchanged } = view.summary;
  if (view.changes.length === 0) return `${s.green("✓")} no changes: matchbox already matches (${unchanged} objects unchanged)`;
  const sign = { create: s.green("+"), update: s.yellow("~"), delete: s.red("-") };
  const lines = view.changes.map((c) => {
    const head = `  ${sign[c.action]} ${c.kind} ${s.bold(c.id)}${c.adopt ? s.dim(" (exists, not written by pxectl: taken over)") : ""}`;
    const fields = (c.fields ?? []).map((f) => `      ${f.field}: ${brief(f.from)} ${s.dim("->")} ${brief(f.to)}`);
    return [head, ...fields].join("\n");
  });
  const verb = applied ? "Applied" : "Plan";
  return [`${verb}: ${create} to create, ${update} to update, ${del} to delete (${unchanged} unchanged)`, ...lines].join("\n");
}
