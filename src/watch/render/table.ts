// The watch table: one row per node (stage, time in stage, last event), a summary line, and
// the stuck nodes' causes underneath. Rows beyond the screen are folded, stuck ones first.
import stringWidth from "string-width";
import type { Style } from "../../output/style";
import { type Column, renderTable } from "../../output/table";
import { formatDuration } from "../../wait/duration";
import type { NodeView } from "../events";
import type { Stage } from "../lifecycle";

/** TableOptions: the goal, and the screen size the frame must fit (unbounded when absent). */
export interface TableOptions {
  until: Stage;
  columns?: number;
  rows?: number;
}

const ellipsis = (s: string, width: number) => (stringWidth(s) <= width ? s : s.slice(0, Math.max(0, width - 1)) + "…");

// Stuck first (they need someone), then the ones on their way, the finished last.
const rank = (v: NodeView) => (v.stuck?.fatal ? 0 : v.stuck ? 1 : v.reached ? 3 : 2);

/** renderWatchTable draws one frame at `now`. */
export function renderWatchTable(views: readonly NodeView[], now: number, style: Style, o: TableOptions): string {
  const reached = views.filter((v) => v.reached).length;
  const failed = views.filter((v) => v.stuck?.fatal).length;
  const stuck = views.filter((v) => v.stuck && !v.stuck.fatal).length;
  const parts = [`${reached}/${views.length} ${o.until}`];
  if (failed > 0) parts.push(style.red(`${failed} failed`));
  if (stuck > 0) parts.push(style.yellow(`${stuck} stuck`));
  const summary = parts.join(", ");

  const troubled = views.filter((v) => v.stuck);
  const budget = o.rows === undefined ? Infinity : Math.max(1, o.rows - 3 - troubled.length * 2);
  const shown = views.length <= budget ? views : [...views].sort((a, b) => rank(a) - rank(b)).slice(0, budget - 1);
  const stageText = (v: NodeView) => (v.reached ? style.green(v.stage) : v.stuck?.fatal ? style.red(v.stage) : v.stuck ? style.yellow(v.stage) : v.stage);
  const columns: Column<NodeView>[] = [
    { header: "NODE", value: (v) => v.node },
    { header: "MAC", value: (v) => v.mac },
    { header: "IP", value: (v) => v.ip ?? "-" },
    { header: "STAGE", value: stageText },
    { header: "IN STAGE", value: (v) => formatDuration(now - v.since), align: "right" },
    { header: "LAST EVENT", value: (v) => (v.last ? `${v.last.text} ${style.dim(`(${formatDuration(now - v.last.at)} ago)`)}` : "-") },
  ];
  const lines = renderTable(shown, columns, (s) => style.bold(s)).split("\n");
  if (shown.length < views.length) lines.push(style.dim(`… and ${views.length - shown.length} more`));
  for (const v of troubled) {
    lines.push(`${v.stuck!.fatal ? style.red("✗") : style.yellow("!")} ${v.node}: ${v.stuck!.message}`);
    lines.push(style.dim(`  hint: ${v.stuck!.hint}`));
  }
  const width = o.columns;
  const fitted = width === undefined ? lines : lines.map((l) => (stripAnsiWidth(l) <= width - 1 ? l : ellipsis(stripAnsi(l), width - 1)));
  return [summary, ...fitted].join("\n");
}

// A line too wide for the screen would wrap and break the redraw: it is cut, losing its colour.
// eslint-disable-next-line no-control-regex -- matching colour codes is the point
const ANSI = /\x1b\[[0-9;]*m/g;
const stripAnsi = (s: string) => s.replace(ANSI, "");
const stripAnsiWidth = (s: string) => stringWidth(stripAnsi(s));
