// bench/watch: 1000 machines installing at once, interleaved as journald interleaves them.
//  1. throughput: lines per second through the parser alone and through the whole tracker
//     (parse, correlate, lifecycle, stuck checks, events), per line form, against a bare
//     line-splitting loop over the same text (the floor: touching every line once);
//  2. latency: each line is written into an OS pipe (through `cat`, as an SSH channel's bytes
//     would arrive), read by the real engine (logSource -> watch -> JSON lines), and timed from
//     its write to its stage event printed; the baseline is the same pipe read by a bare line
//     splitter that prints every line.
// Goals: >= 50k lines/s through the tracker, < 50 ms from a line written to its event printed.
// Usage: npx tsx bench/watch.ts [nodes] [lines-per-second written in the latency run]
import { spawn } from "node:child_process";
import { systemClock } from "../src/core/clock";
import { parseLine } from "../src/watch/parse";
import { Tracker } from "../src/watch/tracker";
import { logSource, splitLines } from "../src/watch/lines";
import { watch } from "../src/watch/engine";
import { jsonLinesObserver } from "../src/watch/render/json";
import type { LogLine } from "../src/watch/ports";
import { type LineFormat, type TimedLine, installSteps, machine, renderSteps } from "../test/support/boot-lines";

const NODES = Number(process.argv[2] ?? 1000);
const RATE = Number(process.argv[3] ?? 20_000);
const T0 = Date.now();

/** The fleet's lines in log order; each machine starts within a minute, steps 2-7 s apart. */
function fleet(format: LineFormat): TimedLine[] {
  const all: TimedLine[] = [];
  for (let i = 1; i <= NODES; i++) {
    const m = machine(i, (["bios", "uefi", "ipxe-rom"] as const)[i % 3]);
    all.push(...renderSteps(m, installSteps(m), T0 + ((i * 7919) % 60_000), 2000 + (i % 5) * 1000, format));
  }
  return all.sort((a, b) => a.at - b.at);
}

const registry = Array.from({ length: NODES }, (_, i) => ({ name: `node${i + 1}`, mac: machine(i + 1).mac }));
const best = (runs: number[]) => Math.min(...runs);

function throughput(format: LineFormat): void {
  const lines = fleet(format).map((l) => l.line);
  const text = lines.map((l) => l.text).join("\n") + "\n";
  const time = (work: () => void) => best([0, 1, 2, 3, 4].map(() => ((t) => (work(), performance.now() - t))(performance.now())));
  let split = 0;
  let records = 0;
  const baselineMs = time(() => {
    split = 0;
    for (const line of text.split("\n")) if (line.length > 0) split++;
  });
  const parseMs = time(() => {
    records = 0;
    for (const line of lines) if (parseLine(line)) records++;
  });
  if (split !== lines.length) throw new Error(`split ${split} lines of ${lines.length}`);
  let installed = 0;
  const trackerMs = time(() => {
    const tracker = new Tracker(registry, { until: "installed" }, T0);
    for (const line of lines) tracker.ingest(line, T0);
    installed = tracker.views(T0).filter((v) => v.reached).length;
  });
  const rate = (ms: number) => `${Math.round(lines.length / (ms / 1000)).toLocaleString("en-US").padStart(11)} lines/s`;
  console.log(`${format.padEnd(13)} ${lines.length} lines  split ${rate(baselineMs)}  parse ${rate(parseMs)} (${records} records)  tracker ${rate(trackerMs)}  tracker/split ${(trackerMs / baselineMs).toFixed(0)}x  (${installed}/${NODES} installed)`);
  trackerRates.push(lines.length / (trackerMs / 1000));
}

interface Latency {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

const summary = (ms: number[]): Latency => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN, count: sorted.length };
};

/** writePaced writes each line into the pipe at RATE lines/s, recording when each was written. */
async function writePaced(stdin: NodeJS.WritableStream, lines: readonly LogLine[], written: Map<string, number>): Promise<void> {
  const started = performance.now();
  let i = 0;
  while (i < lines.length) {
    const due = Math.min(lines.length, Math.floor(((performance.now() - started) / 1000) * RATE) + 1);
    let chunk = "";
    for (; i < due; i++) {
      written.set(keyOf(lines[i]!.text), performance.now());
      chunk += lines[i]!.text + "\n";
    }
    if (chunk !== "" && !stdin.write(chunk)) await new Promise((r) => stdin.once("drain", r));
    await new Promise((r) => setTimeout(r, 1));
  }
  stdin.end();
}

// Every journal record carries a unique cursor: it names the line in both runs.
const keyOf = (text: string) => /"__CURSOR":"([^"]+)"/.exec(text)?.[1] ?? text;

async function latency(lines: readonly LogLine[], consume: (lines: AsyncIterable<Buffer>, printed: (key: string) => void) => Promise<void>): Promise<Latency> {
  const cat = spawn("cat", [], { stdio: ["pipe", "pipe", "inherit"] });
  const written = new Map<string, number>();
  const delays: number[] = [];
  const printed = (key: string) => {
    const t = written.get(key);
    if (t !== undefined) delays.push(performance.now() - t);
  };
  await Promise.all([writePaced(cat.stdin, lines, written), consume(cat.stdout, printed)]);
  return summary(delays);
}

const trackerRates: number[] = [];
console.log(`bench/watch: ${NODES} machines installing at once (BIOS, UEFI, iPXE ROM), interleaved`);
for (const format of ["journal-json", "journal", "file"] as const) throughput(format);

const timed = fleet("journal-json");
const piped = timed.map((l) => l.line);
// The baseline reader prints every line as it arrives.
const out = { write: (s: string) => s.length };
const bare = await latency(piped, async (stdout, printed) => {
  for await (const line of splitLines(stdout)) {
    out.write(line + "\n");
    printed(keyOf(line));
  }
});
// The engine prints JSON events; a stage event names its line by the line's time (unique
// per machine step, and a step's first line is the one that moves the machine).
const evidence = new Map<number, string>();
for (const l of timed) if (!evidence.has(Math.round(l.at * 1000))) evidence.set(Math.round(l.at * 1000), keyOf(l.line.text));
let outcome = "";
const engine = await latency(piped, async (stdout, printed) => {
  const observer = jsonLinesObserver((json) => out.write(json));
  const result = await watch(
    { logs: [logSource(stdout, "journal-json", systemClock)], registry: { nodes: () => registry } },
    { until: "installed", timeoutMs: 10 * 60_000 },
    {
      clock: systemClock,
      observer: {
        event(e) {
          observer.event(e); // printed as a JSON line, like --output json
          if (e.type === "stage") printed(evidence.get(Math.round(e.at * 1000)) ?? "");
        },
      },
    },
  );
  outcome = result.outcome;
});

const ms = (x: number) => `${x.toFixed(2).padStart(7)} ms`;
console.log(`latency, ${RATE.toLocaleString("en-US")} lines/s written into a pipe (through cat):`);
console.log(`  bare split  p50 ${ms(bare.p50)}  p99 ${ms(bare.p99)}  max ${ms(bare.max)}  (${bare.count} lines)`);
console.log(`  engine      p50 ${ms(engine.p50)}  p99 ${ms(engine.p99)}  max ${ms(engine.max)}  (${engine.count} stage events, outcome ${outcome})  p99 ratio ${(engine.p99 / bare.p99).toFixed(1)}x`);
const slowest = Math.min(...trackerRates);
const ok = slowest >= 50_000 && engine.p99 < 50;
console.log(`goals: >= 50,000 lines/s (slowest form ${Math.round(slowest).toLocaleString("en-US")}), p99 < 50 ms (${engine.p99.toFixed(1)} ms): ${ok ? "met" : "NOT met"}`);
