// JSON lines: one event per line with ISO times, for --output json and for anything not a TTY.
import type { NodeView, WatchEvent } from "../events";
import type { WatchObserver } from "../engine";

const iso = (ms: number) => new Date(ms).toISOString();

function jsonNode(v: NodeView): Record<string, unknown> {
  return {
    node: v.node,
    mac: v.mac,
    ip: v.ip ?? null,
    cloud_id: v.cloudId ?? null,
    stage: v.stage,
    since: iso(v.since),
    cycle: v.cycle,
    reached: v.reached,
    stuck: v.stuck ?? null,
    last_event: v.last ? { at: iso(v.last.at), text: v.last.text } : null,
    stages: v.spans.map((s) => ({ stage: s.stage, at: iso(s.at), duration_ms: Math.round(s.durationMs) })),
  };
}

/** jsonEvent is an event as a JSON-ready object: times as ISO strings, nodes in full. */
export function jsonEvent(e: WatchEvent): Record<string, unknown> {
  if (e.type === "done") return { type: e.type, at: iso(e.at), outcome: e.outcome, until: e.until, nodes: e.nodes.map(jsonNode) };
  return { ...e, at: iso(e.at) };
}

/** jsonLinesObserver writes each event as one JSON line. */
export function jsonLinesObserver(write: (line: string) => void): WatchObserver {
  return { event: (e) => write(JSON.stringify(jsonEvent(e)) + "\n") };
}
