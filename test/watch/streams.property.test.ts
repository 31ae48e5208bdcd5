// Property tests: generated boots of interleaved machines, delivered out of order, replayed,
// truncated and mixed with unrelated lines; the final stages must be those the scenario implies.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events";
import { STAGES, type Stage, initialStatus, stageIndex, transition } from "../../src/watch/lifecycle";
import type { LogLine } from "../../src/watch/ports";
import { LATE_LINE_MS, Tracker } from "../../src/watch/tracker";
import { type Firmware, type LineFormat, type MacSpelling, type TimedLine, installSteps, machine, renderSteps } from "../support/boot-lines";

const T0 = Date.parse("2026-11-22T22:00:00Z");

interface Plan {
  firmware: Firmware;
  spelling: MacSpelling;
  /** How many install steps the machine gets through. */
  reach: number;
  startMs: number;
  stepMs: number;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  firmware: fc.constantFrom<Firmware>("bios", "uefi", "ipxe-rom"),
  spelling: fc.constantFrom<MacSpelling>("hexhyp", "url-encoded", "upper"),
  reach: fc.integer({ min: 1, max: 10 }),
  startMs: fc.integer({ min: 0, max: 60_000 }),
  stepMs: fc.integer({ min: 2_000, max: 20_000 }),
});

interface Scenario {
  lines: TimedLine[][]; // per machine, in log order
  /** The stages each machine may end in: its last stage, or back to its last one that names it. */
  expected: Array<{ mac: string; lowest: Stage; highest: Stage }>;
}

function scenario(plans: Plan[], format: LineFormat): Scenario {
  const lines: TimedLine[][] = [];
  const expected: Scenario["expected"] = [];
  plans.forEach((p, i) => {
    const m = machine(i + 1, p.firmware, p.spelling);
    const steps = installSteps(m).slice(0, Math.min(p.reach, installSteps(m).length));
    lines.push(renderSteps(m, steps, T0 + p.startMs, p.stepMs, format));
    const highest = steps.at(-1)!.stage;
    // kernel and initrd fetches name no machine: they count only when no other machine could have sent them
    const lowest = [...steps].reverse().find((s) => s.attributable)!.stage;
    expected.push({ mac: m.mac, lowest, highest });
  });
  return { lines, expected };
}

function run(plans: Plan[], delivered: LogLine[]) {
  const registry = plans.map((_, i) => ({ name: `n${i + 1}`, mac: machine(i + 1).mac }));
  const tracker = new Tracker(registry, { until: "installed" }, T0);
  const events: WatchEvent[] = [];
  for (const line of delivered) events.push(...tracker.ingest(line, T0));
  const stages = new Map(tracker.views(T0).map((v) => [v.mac, v]));
  return { events, stages };
}

function expectImplied(s: Scenario, result: ReturnType<typeof run>, lossy = false) {
  for (const e of s.expected) {
    const view = result.stages.get(e.mac)!;
    const at = stageIndex(view.stage);
    // With lines lost, a kernel or initrd fetch whose true sender's lines are gone can be
    // credited to the one other machine waiting for its kernel: never further than initrd.
    const highest = lossy && (e.highest === "ipxe" || e.highest === "kernel") ? "initrd" : e.highest;
    if (!lossy) expect(at, `${e.mac} ended in ${view.stage}, expected ${e.lowest}..${e.highest}`).toBeGreaterThanOrEqual(stageIndex(e.lowest));
    expect(at, `${e.mac} ended in ${view.stage}, expected at most ${highest}`).toBeLessThanOrEqual(stageIndex(highest));
    expect(view.stuck?.fatal ?? false).toBe(false);
  }
  expect(result.events.filter((e) => e.type === "unknown-mac" || e.type === "notice")).toEqual([]);
}

/** interleave merges per-machine sequences, keeping each one's order, picking machines as `picks` says. */
function interleave<T>(seqs: T[][], picks: number[]): T[] {
  const cursors = seqs.map(() => 0);
  const out: T[] = [];
  let p = 0;
  while (out.length < seqs.reduce((n, s) => n + s.length, 0)) {
    const open = seqs.map((s, i) => i).filter((i) => cursors[i]! < seqs[i]!.length);
    const i = open[(picks[p++ % Math.max(1, picks.length)] ?? 0) % open.length]!;
    out.push(seqs[i]![cursors[i]!++]!);
  }
  return out;
}

const unrelated = (format: LineFormat): fc.Arbitrary<LogLine> =>
  fc.oneof(
    fc.string({ maxLength: 80 }).map((text): LogLine => ({ origin: format === "journal-json" ? "journal-json" : format === "journal" ? "journal" : "dnsmasq", text })),
    fc.constantFrom<LogLine>(
      { origin: "journal-json", text: JSON.stringify({ MESSAGE: "Accepted publickey for root", SYSLOG_IDENTIFIER: "sshd", __REALTIME_TIMESTAMP: "1" }) },
      { origin: "journal-json", text: JSON.stringify({ MESSAGE: "started, version 2.90 DNS disabled", SYSLOG_IDENTIFIER: "dnsmasq" }) },
      { origin: "journal", text: "2026-11-22T22:00:00.000000+0000 host systemd[1]: Started dnsmasq.service." },
      { origin: "dnsmasq", text: "Nov 22 22:07:34 dnsmasq-dhcp[5174]: DHCP, IP range 192.168.77.50 -- 192.168.77.99, lease time 1h" },
      { origin: "dnsmasq", text: "Nov 22 22:07:34 dnsmasq-tftp[5174]: TFTP root is /var/lib/tftpboot  " },
      { origin: "matchbox", text: 'time="2026-11-22T22:00:00Z" level=info msg="Starting matchbox HTTP server on 0.0.0.0:8080"' },
      { origin: "matchbox", text: 'time="2026-11-22T22:00:00Z" level=info msg="HTTP GET /assets/flatcar/' },
      { origin: "matchbox", text: 'time="2026-11-22T22:00:00Z" level=info msg="HTTP GET /ignition?mac=52-54-00-00-00-01&os=inst' },
      { origin: "journal-json", text: '{"MESSAGE":"1 DHCPDISCOVER(v0) 52:54:00:00:00:01","SYSLOG_IDENT' },
    ),
  );

const formatArb = fc.constantFrom<LineFormat>("journal-json", "journal", "file");
const plansArb = fc.array(planArb, { minLength: 1, maxLength: 8 });

describe("generated streams", () => {
  it("interleaved machines, with unrelated and truncated lines among them, end where their boots took them", () => {
    fc.assert(
      fc.property(plansArb, formatArb, fc.array(fc.nat(), { maxLength: 64 }), fc.array(fc.tuple(fc.nat(), unrelated("journal")), { maxLength: 20 }), (plans, format, picks, noise) => {
        const s = scenario(plans, format);
        const lines = interleave(s.lines, picks).map((l) => l.line);
        for (const [at, line] of noise) lines.splice(at % (lines.length + 1), 0, line);
        expectImplied(s, run(plans, lines));
      }),
    );
  });

  it("two log streams delivered with a skew, and windows of lines replayed later, change nothing", () => {
    fc.assert(
      fc.property(plansArb, fc.integer({ min: 0, max: LATE_LINE_MS - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.nat()), { maxLength: 5 }), (plans, skewMs, replays) => {
        const s = scenario(plans, "journal-json");
        // matchbox's stream arrives skewMs late (two journalctl streams); each keeps its own order
        const arrival = (l: TimedLine) => l.at + (l.line.text.includes('"SYSLOG_IDENTIFIER":"matchbox"') ? skewMs : 0);
        const delivered = s.lines.flat().sort((a, b) => arrival(a) - arrival(b) || a.at - b.at).map((l) => l.line);
        for (const [from, length, to] of replays) {
          const start = from % delivered.length;
          const window = delivered.slice(start, start + length);
          const insertAt = start + length + (to % (delivered.length - start - length + 1));
          delivered.splice(insertAt, 0, ...window);
        }
        expectImplied(s, run(plans, delivered));
      }),
      // once found: a replayed kernel request was attributed a second time, to another machine
      { examples: [[[{ firmware: "ipxe-rom", spelling: "hexhyp", reach: 2, startMs: 0, stepMs: 2000 }, { firmware: "uefi", spelling: "hexhyp", reach: 2, startMs: 0, stepMs: 2000 }, { firmware: "ipxe-rom", spelling: "hexhyp", reach: 3, startMs: 1983, stepMs: 2000 }], 0, [[261926599, 27, 0]]]] },
    );
  });

  it("truncated records are dropped: no machine goes past what its own lines say, and none fails", () => {
    fc.assert(
      fc.property(plansArb, fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }), (plans, cuts) => {
        const s = scenario(plans, "journal-json");
        const lines = s.lines.flat().sort((a, b) => a.at - b.at).map((l) => l.line);
        for (const [which, where] of cuts) {
          const i = which % lines.length;
          lines[i] = { ...lines[i]!, text: lines[i]!.text.slice(0, where % lines[i]!.text.length) };
        }
        expectImplied(s, run(plans, lines), true);
      }),
    );
  });
});

describe("the transition function", () => {
  const move = fc.tuple(fc.constantFrom(...STAGES.filter((s) => s !== "waiting")), fc.integer({ min: -5_000, max: 20_000 }));
  it("keeps time and cycles consistent under any sequence of observations", () => {
    fc.assert(
      fc.property(fc.array(move, { maxLength: 60 }), (moves) => {
        let status = initialStatus(T0);
        let clock = T0;
        for (const [to, dt] of moves) {
          clock += dt;
          const before = status;
          const r = transition(status, to, clock);
          status = r.status;
          if (r.move === "duplicate" || r.move === "stale") expect(status).toBe(before);
          else {
            expect(status.stage).toBe(to);
            expect(status.since).toBe(clock);
            if (before.seen) expect(status.since).toBeGreaterThanOrEqual(before.since);
            expect(status.seen).toBe(true);
            expect(status.cycle).toBe(before.cycle + (r.move === "restart" || before.cycle === 0 ? 1 : 0));
          }
          const stages = status.history.map((h) => stageIndex(h.stage));
          expect(stages).toEqual([...stages].sort((a, b) => a - b));
        }
      }),
    );
  });
});
