import { describe, expect, it } from "vitest";
import { plainStyle } from "../../src/output/style";
import type { NodeView, WatchEvent } from "../../src/watch/events";
import { initialStatus, stageSpans, transition } from "../../src/watch/lifecycle";
import { jsonEvent, jsonLinesObserver } from "../../src/watch/render/json";
import { LiveTable } from "../../src/watch/render/live";
import { renderWatchTable } from "../../src/watch/render/table";
import { describeEvent } from "../../src/watch/render/text";

const T0 = Date.parse("2026-11-22T22:00:00Z");

function view(node: string, stage: "ipxe" | "installed" | "dhcp", extra: Partial<NodeView> = {}): NodeView {
  const status = transition(initialStatus(T0), stage, T0 + 5000).status;
  return {
    node, mac: "52:54:00:a1:9c:ae", ip: "10.0.0.5", cloudId: undefined, stage, since: status.since, cycle: 1, reached: stage === "installed", stuck: undefined,
    last: { at: T0 + 5000, text: "GET /ipxe?mac=52-54-00-a1-9c-ae" }, spans: stageSpans(status, T0 + 65_000), ...extra,
  };
}

describe("the watch table", () => {
  it("shows node, MAC, IP, stage, time in stage and last event, a summary, and stuck causes below", () => {
    const stuck = { cause: "no-matching-group" as const, fatal: true, message: "matchbox: No matching group (mac=52:54:00:a1:9c:ae)", hint: "add a group" };
    const frame = renderWatchTable([view("node1", "installed"), view("node2", "ipxe", { stuck })], T0 + 65_000, plainStyle, { until: "installed" });
    expect(frame).toBe(
      [
        "1/2 installed, 1 failed",
        "NODE   MAC                IP        STAGE      IN STAGE  LAST EVENT",
        "node1  52:54:00:a1:9c:ae  10.0.0.5  installed        1m  GET /ipxe?mac=52-54-00-a1-9c-ae (1m ago)",
        "node2  52:54:00:a1:9c:ae  10.0.0.5  ipxe             1m  GET /ipxe?mac=52-54-00-a1-9c-ae (1m ago)",
        "✗ node2: matchbox: No matching group (mac=52:54:00:a1:9c:ae)",
        "  hint: add a group",
      ].join("\n"),
    );
  });

  it("fits the screen: lines cut to its width, rows folded with the stuck ones kept", () => {
    const views = Array.from({ length: 50 }, (_, i) => view(`node${i}`, i === 42 ? "dhcp" : "installed", i === 42 ? { stuck: { cause: "no-progress", fatal: false, message: "no progress", hint: "look" } } : {}));
    const frame = renderWatchTable(views, T0 + 65_000, plainStyle, { until: "installed", columns: 60, rows: 12 });
    const lines = frame.split("\n");
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.every((l) => l.length <= 59)).toBe(true);
    expect(lines[2]).toMatch(/^node42 /);
    expect(frame).toMatch(/… and 44 more/);
  });
});

describe("the live table", () => {
  it("redraws in place, no more often than asked, and draws the last frame when done", () => {
    const writes: string[] = [];
    const live = new LiveTable({ write: (s: string) => writes.push(s) }, plainStyle, { until: "installed", minIntervalMs: 250 });
    const views = () => [view("node1", "ipxe")];
    live.refresh(T0, views);
    live.refresh(T0 + 100, views);
    live.refresh(T0 + 300, views);
    expect(writes.length).toBe(2);
    expect(writes[0]!.startsWith("\x1b")).toBe(false);
    expect(writes[1]!.startsWith("\r\x1b[3A\x1b[J")).toBe(true);
    live.event({ type: "done", at: T0 + 301, outcome: "reached", until: "installed", nodes: [view("node1", "installed")] });
    expect(writes.length).toBe(3);
    expect(writes[2]).toMatch(/1\/1 installed/);
  });
});

describe("events as text and JSON", () => {
  const stage: WatchEvent = { type: "stage", at: T0 + 1000, node: "node1", mac: "52:54:00:a1:9c:ae", stage: "install-config", from: "ipxe", move: "skip", cycle: 1, skipped: ["kernel", "initrd"], evidence: "GET /ignition?mac=52-54-00-a1-9c-ae" };

  it("JSON lines carry ISO times, one event per line", () => {
    const lines: string[] = [];
    const observer = jsonLinesObserver((l) => lines.push(l));
    observer.event(stage);
    observer.event({ type: "done", at: T0 + 2000, outcome: "timeout", until: "installed", nodes: [view("node1", "ipxe")] });
    expect(lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({ ...stage, at: "2026-11-22T22:00:01.000Z" });
    expect(JSON.parse(lines[1]!).nodes[0]).toMatchObject({ node: "node1", since: "2026-11-22T22:00:05.000Z", stages: [{ stage: "waiting", duration_ms: 5000 }, { stage: "ipxe", duration_ms: 60_000 }], last_event: { at: "2026-11-22T22:00:05.000Z" } });
    expect(jsonEvent(stage).at).toBe("2026-11-22T22:00:01.000Z");
  });

  it("a line per event for people", () => {
    expect(describeEvent(stage, plainStyle)).toBe("22:00:01 node1 ipxe → install-config (not seen: kernel, initrd)  GET /ignition?mac=52-54-00-a1-9c-ae");
    expect(describeEvent({ type: "unknown-mac", at: T0, mac: "52:54:00:a1:9c:af", evidence: "DHCPDISCOVER (PXE firmware)", suggestion: { node: "node1", mac: "52:54:00:a1:9c:ae" } }, plainStyle)).toBe(
      "22:00:00 unknown MAC 52:54:00:a1:9c:af: DHCPDISCOVER (PXE firmware); did you mean node1 (52:54:00:a1:9c:ae)?",
    );
    expect(describeEvent({ type: "stuck", at: T0, node: "node1", mac: "m", stage: "dhcp", cause: "no-progress", fatal: false, message: "no progress for 10m in stage dhcp", hint: "read the console" }, plainStyle)).toBe(
      "22:00:00 node1 stuck: no progress for 10m in stage dhcp\n         hint: read the console",
    );
  });
});
