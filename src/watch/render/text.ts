// One line per event for people reading a log (not a TTY table): time, node, what happened.
import type { Style } from "../../output/style";
import type { WatchEvent } from "../events";

const clockTime = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** describeEvent renders an event as one human line. */
export function describeEvent(e: WatchEvent, style: Style): string {
  const at = style.dim(clockTime(e.at));
  switch (e.type) {
    case "stage": {
      const move = e.move === "restart" ? ` ${style.yellow(e.note === "reinstall" ? "(reinstall)" : `(boot ${e.cycle})`)}` : "";
      const skipped = e.skipped.length > 0 ? style.dim(` (not seen: ${e.skipped.join(", ")})`) : "";
      return `${at} ${e.node} ${e.from} → ${style.bold(e.stage)}${move}${skipped}  ${style.dim(e.evidence)}`;
    }
    case "stuck": {
      const mark = e.fatal ? style.red("failed:") : style.yellow("stuck:");
      return `${at} ${e.node} ${mark} ${e.message}\n${" ".repeat(9)}${style.dim(`hint: ${e.hint}`)}`;
    }
    case "unknown-mac": {
      const guess = e.suggestion ? `; did you mean ${e.suggestion.node} (${e.suggestion.mac})?` : "; register it with pxectl node add";
      return `${at} ${style.yellow("unknown MAC")} ${e.mac}: ${e.evidence}${guess}`;
    }
    case "notice":
      return `${at} ${e.message}`;
    case "done": {
      const reached = e.nodes.filter((n) => n.reached).length;
      const word = e.outcome === "reached" ? style.green("done") : style.red(e.outcome);
      return `${at} ${word}: ${reached}/${e.nodes.length} nodes ${e.until}`;
    }
  }
}
