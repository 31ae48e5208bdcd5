// The live view for a TTY: redraws the watch table in place, at most a few times a second,
// and leaves the last frame on the screen when the watch ends.
import type { Style } from "../../output/style";
import type { WatchObserver } from "../engine";
import type { NodeView, WatchEvent } from "../events";
import type { Stage } from "../lifecycle";
import { renderWatchTable } from "./table";

/** Screen is the terminal the view draws on. */
export interface Screen {
  write(chunk: string): unknown;
  columns?: number;
  rows?: number;
}

/** LiveTableOptions: the goal and the shortest time between two frames (ms, default 250). */
export interface LiveTableOptions {
  until: Stage;
  minIntervalMs?: number;
}

/** LiveTable is a WatchObserver that redraws the node table in place. */
export class LiveTable implements WatchObserver {
  private drawnLines = 0;
  private lastDraw = -Infinity;
  private readonly minIntervalMs: number;

  constructor(
    private readonly screen: Screen,
    private readonly style: Style,
    private readonly options: LiveTableOptions,
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 250;
  }

  event(e: WatchEvent): void {
    if (e.type === "done") this.draw(e.nodes, e.at);
  }

  refresh(now: number, views: () => NodeView[]): void {
    if (now - this.lastDraw < this.minIntervalMs) return;
    this.draw(views(), now);
  }

  private draw(views: readonly NodeView[], now: number): void {
    const frame = renderWatchTable(views, now, this.style, { until: this.options.until, columns: this.screen.columns, rows: this.screen.rows });
    // Back to the first line of the previous frame, then clear to the end of the screen.
    const erase = this.drawnLines > 0 ? `\r\x1b[${this.drawnLines}A\x1b[J` : "";
    this.screen.write(erase + frame + "\n");
    this.drawnLines = frame.split("\n").length;
    this.lastDraw = now;
  }
}
