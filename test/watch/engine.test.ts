import { describe, expect, it } from "vitest";
import { FailedError, RemoteError, TimeoutError } from "../../src/core/errors";
import { type WatchObserver, type WatchOptions, watch } from "../../src/watch/engine";
import type { DoneEvent, WatchEvent } from "../../src/watch/events";
import { outcomeError } from "../../src/watch/outcome";
import type { LogLine, NodeSignal, RegisteredNode } from "../../src/watch/ports";
import { formatLine, installSteps, machine, renderSteps } from "../support/boot-lines";
import { FakeClock } from "../support/clock";

const A = machine(1);
const B = machine(2, "uefi");
const NODES: RegisteredNode[] = [{ name: "a", mac: A.mac }, { name: "b", mac: B.mac }];
const registry = (nodes = NODES) => ({ nodes: () => nodes });
const MINUTE = 60_000;

/** Queue is a source a test pushes into; it ends when closed, and records being closed by the engine. */
class Queue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private ended = false;
  returned = false;
  push(...items: T[]): void {
    for (const item of items) {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w({ value: item, done: false });
      } else this.items.push(item);
    }
  }
  end(): void {
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
  }
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: () => {
        this.returned = true;
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

function recorder(): WatchObserver & { events: WatchEvent[] } {
  const events: WatchEvent[] = [];
  return { events, event: (e) => events.push(e) };
}

const timedLines = (m: typeof A, t0: number, count = installSteps(m).length) => renderSteps(m, installSteps(m).slice(0, count), t0, 1000, "journal-json");
const linesOf = (m: typeof A, t0: number, count?: number) => timedLines(m, t0, count).map((l) => l.line);
const inLogOrder = (...machines: LogLine[][]) => machines.flat().sort((a, b) => atOf(a) - atOf(b));
const atOf = (l: LogLine) => Number((JSON.parse(l.text) as { __REALTIME_TIMESTAMP: string }).__REALTIME_TIMESTAMP) / 1000;

interface Extra {
  signals?: AsyncIterable<NodeSignal>[];
  abort?: AbortSignal;
  nodes?: RegisteredNode[];
  onEvent?: (e: WatchEvent) => void;
}

async function run(logs: AsyncIterable<LogLine>[], options: Partial<WatchOptions> = {}, extra: Extra = {}) {
  const clock = new FakeClock();
  const observer = recorder();
  if (extra.onEvent) {
    const events = observer.events;
    observer.event = (e) => (events.push(e), extra.onEvent!(e));
  }
  const result = await watch(
    { logs, registry: registry(extra.nodes), ...(extra.signals ? { signals: extra.signals } : {}) },
    { until: "installed", timeoutMs: 30 * MINUTE, ...options },
    { clock, observer, ...(extra.abort ? { signal: extra.abort } : {}) },
  );
  return { result, events: observer.events, clock };
}

describe("watch", () => {
  it("ends with reached once every node is installed, closing its sources; done comes last", async () => {
    const clock0 = new FakeClock().now();
    const q = new Queue<LogLine>();
    q.push(...inLogOrder(linesOf(A, clock0), linesOf(B, clock0 + 30_000)));
    const { result, events } = await run([q]);
    expect(result.outcome).toBe("reached");
    expect(result.nodes.map((n) => [n.node, n.stage])).toEqual([["a", "installed"], ["b", "installed"]]);
    expect(events.at(-1)).toMatchObject({ type: "done", outcome: "reached", until: "installed" });
    expect(events.filter((e) => e.type === "stage").length).toBe(20);
    expect(q.returned).toBe(true);
    expect(outcomeError(result, 30 * MINUTE)).toBeUndefined();
  });

  it("times out at the deadline on the clock, reporting stuck nodes on the way", async () => {
    const q = new Queue<LogLine>();
    q.push(...linesOf(A, new FakeClock().now(), 3));
    const { result, events, clock } = await run([q], { timeoutMs: 30 * MINUTE });
    expect(result.outcome).toBe("timeout");
    expect(clock.now() - new FakeClock().now()).toBe(30 * MINUTE);
    expect(events.filter((e) => e.type === "stuck").map((e) => [(e as { node: string }).node, (e as { cause: string }).cause])).toEqual([
      ["b", "no-progress"],
      ["a", "no-progress"],
    ]);
    const error = outcomeError(result, 30 * MINUTE);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error?.message).toBe("2 of 2 nodes did not get there within 30m: a (ipxe), b (waiting)");
  });

  it("fails once every node settled and one of them cannot go on", async () => {
    const t0 = new FakeClock().now();
    const q = new Queue<LogLine>();
    q.push(...linesOf(A, t0), ...linesOf(B, t0, 1), formatLine({ program: "dnsmasq-tftp", text: `file /srv/tftp/ipxe.efi not found for ${B.ip}` }, t0 + 5000, "journal-json"));
    const { result } = await run([q]);
    expect(result.outcome).toBe("failed");
    const error = outcomeError(result, 30 * MINUTE);
    expect(error).toBeInstanceOf(FailedError);
    expect(error?.message).toBe("1 of 2 nodes failed: b (boot-file-missing)");
    expect(error?.hint).toMatch(/^b: put the iPXE binaries into dnsmasq's tftp-root/);
  });

  it("ends when the logs end before the nodes got there", async () => {
    const q = new Queue<LogLine>();
    q.push(...linesOf(A, new FakeClock().now(), 2));
    q.end();
    const { result } = await run([q]);
    expect(result.outcome).toBe("ended");
    expect(outcomeError(result, MINUTE)).toBeInstanceOf(RemoteError);
  });

  it("stops when the run is aborted", async () => {
    const abort = new AbortController();
    const q = new Queue<LogLine>();
    const running = run([q], {}, { abort: abort.signal });
    abort.abort();
    const { result, events } = await running;
    expect(result.outcome).toBe("interrupted");
    expect((events.at(-1) as DoneEvent).outcome).toBe("interrupted");
  });

  it("rejects with the error of a failing source", async () => {
    const failing: AsyncIterable<LogLine> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new RemoteError("ssh connection to the host closed")) }),
    };
    await expect(run([failing])).rejects.toThrow("ssh connection to the host closed");
  });

  it("waits for readiness from a signal source when the goal is ready", async () => {
    const t0 = new FakeClock().now();
    const q = new Queue<LogLine>();
    const probes = new Queue<NodeSignal>();
    q.push(...linesOf(A, t0));
    // as the readiness prober will: probe a node once it is installed
    const onEvent = (e: WatchEvent) => e.type === "stage" && e.stage === "installed" && probes.push({ kind: "ready", node: e.node, at: e.at + 5000 });
    const { result } = await run([q], { until: "ready" }, { signals: [probes], nodes: [NODES[0]!], onEvent });
    expect(result.outcome).toBe("reached");
    expect(result.nodes[0]!.stage).toBe("ready");
    expect(probes.returned).toBe(true);
  });

  it("is settled at once for nodes recorded as installed", async () => {
    const { result, clock } = await run([new Queue<LogLine>()], {}, { nodes: [{ name: "a", mac: A.mac, stage: "installed" }] });
    expect(result.outcome).toBe("reached");
    expect(clock.sleeps).toEqual([]);
  });
});
