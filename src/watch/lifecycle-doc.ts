// The lifecycle as documentation: a Mermaid state diagram and the full move matrix, both
// rendered from the table in lifecycle.ts; a test keeps docs/boot-lifecycle.md equal to them.
import { CYCLE_STARTS, type Move, NEXT, STAGES, STAGE_INFO, type Stage, moveOf } from "./lifecycle";

const id = (s: Stage) => s.replace(/-/g, "_");

/** lifecycleMermaid renders NEXT as a state diagram, with a note on each of CYCLE_STARTS. */
export function lifecycleMermaid(): string {
  const lines = ["stateDiagram-v2", "  direction LR"];
  for (const s of STAGES) if (s.includes("-")) lines.push(`  state "${s}" as ${id(s)}`);
  lines.push(`  [*] --> ${id(STAGES[0])}`);
  for (const from of STAGES) for (const to of NEXT[from]) lines.push(`  ${id(from)} --> ${id(to)}`);
  lines.push(`  ${id("ready")} --> [*]`);
  for (const s of CYCLE_STARTS) lines.push(`  note left of ${id(s)}: seen again later = a new boot cycle`);
  return lines.join("\n");
}

const SYMBOL: Record<Move, string> = { duplicate: "=", advance: "→", skip: "»", restart: "↺", stale: "·" };

/** lifecycleMatrix renders every (from, to) move for a line newer than the current stage. */
export function lifecycleMatrix(): string {
  const head = `| from \\ to | ${STAGES.map((s) => `\`${s}\``).join(" | ")} |`;
  const rule = `|---|${STAGES.map(() => ":-:").join("|")}|`;
  const rows = STAGES.map((from) => `| \`${from}\` | ${STAGES.map((to) => SYMBOL[moveOf(from, to, 1, 0)]).join(" | ")} |`);
  return [head, rule, ...rows].join("\n");
}

/** lifecycleStages renders the stage list with what puts a node in each. */
export function lifecycleStages(): string {
  return STAGES.map((s) => `- \`${s}\`: ${STAGE_INFO[s]}`).join("\n");
}
