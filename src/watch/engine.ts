// The watch engine: reads every log source and signal source at once, feeds the tracker,
// hands events to an observer as they happen, re-checks stuck nodes on the clock, and ends
// when every watched node settled, the deadline passed, the logs ended or the run was aborted.
import type { Clock } from "../core/clock";
import type { NodeView, Outcome, WatchEvent } from "./events";
import type { LogLine, LogSource, NodeRegistry, NodeSignal, SignalSource } from "./ports";
import type { StuckOptions } from "./stuck";
import { Tracker, type TrackerOptions } from "./tracker";

/** WatchInput is what to read: the host's logs, probes' signals, and the registered nodes. */
export interface WatchInput {
  logs: readonly LogSource[];
  signals?: readonly SignalSource[];
  registry: NodeRegistry;
}

/** WatchOptions: the goal, the deadline, which nodes (all when absent) and the stuck limits. */
export interface WatchOptions {
  until: TrackerOptions["until"];
  timeoutMs: number;
  nodes?: readonly string[];
  stuck?: Partial<StuckOptions>;
  installedOnBootScript?: boolean;
  /** How often stuck nodes and the deadline are checked (and a live view refreshed); default 1000. */
  tickMs?: number;
}

/** WatchObserver receives events in order; refresh lets a live view redraw (it throttles itself). */
export interface WatchObserver {
  event(e: WatchEvent): void;
  refresh?(now: number, views: () => NodeView[]): void;
}

/** WatchDeps are the engine's clock, its observer and the run's abort signal (Ctrl-C). */
export interface WatchDeps {
  clock: Clock;
  observer: WatchObserver;
  signal?: AbortSignal;
}

/** WatchResult is how the watch ended and where every watched node was. */
export interface WatchResult {
  outcome: Outcome;
  nodes: NodeView[];
}

/**
 * watch follows the nodes until they settle; it rejects only when a source fails (e.g. the SSH
 * follower's RemoteError). Sources are closed with return() when it ends, so a follower should
 * end its stream (and its channel) when asked.
 */
export async function watch(input: WatchInput, options: WatchOptions, deps: WatchDeps): Promise<WatchResult> {
  const { clock, observer } = deps;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const tracker = new Tracker(input.registry.nodes(), { until: options.until, installedOnBootScript: options.installedOnBootScript ?? false, ...(options.nodes ? { watch: options.nodes } : {}), ...(options.stuck ? { stuck: options.stuck } : {}) }, started);
  const stop = new AbortController();
  let outcome: Outcome | undefined;
  let settle!: (o: Outcome) => void;
  let fail!: (e: unknown) => void;
  const ended = new Promise<Outcome>((resolve, reject) => {
    settle = resolve;
    fail = (e) => {
      stop.abort(); // the other sources and the ticks stop with it
      reject(e instanceof Error ? e : new Error(String(e)));
    };
  });
  const finish = (o: Outcome) => {
    if (outcome) return;
    outcome = o;
    stop.abort();
    settle(o);
  };
  const views = () => tracker.views(clock.now());
  const emit = (events: readonly WatchEvent[]) => {
    for (const e of events) observer.event(e);
    observer.refresh?.(clock.now(), views);
    const settled = tracker.settled();
    if (settled) finish(settled);
  };
  const onAbort = () => finish("interrupted");
  deps.signal?.addEventListener("abort", onAbort, { once: true });
  if (deps.signal?.aborted) onAbort();

  let openLogs = input.logs.length;
  for (const source of input.logs) {
    consume(source, stop.signal, (line: LogLine) => emit(tracker.ingest(line, clock.now()))).then(() => {
      if (--openLogs === 0) finish("ended");
    }, fail);
  }
  for (const source of input.signals ?? []) consume(source, stop.signal, (s: NodeSignal) => emit(tracker.signal(s))).catch(fail);
  emit([]); // nodes may start settled (recorded as installed)
  void tick();

  async function tick(): Promise<void> {
    while (!outcome && !stop.signal.aborted) {
      const now = clock.now();
      if (now >= deadline) return finish("timeout");
      emit(tracker.tick(now));
      await clock.sleep(Math.min(options.tickMs ?? 1000, deadline - now), stop.signal).catch(() => undefined);
    }
  }

  try {
    const result = await ended;
    const now = clock.now();
    const nodes = tracker.views(now);
    observer.event({ type: "done", at: now, outcome: result, until: options.until, nodes });
    return { outcome: result, nodes };
  } finally {
    stop.abort();
    deps.signal?.removeEventListener("abort", onAbort);
  }
}

async function consume<T>(source: AsyncIterable<T>, stop: AbortSignal, each: (item: T) => void): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  const close = () => void iterator.return?.()?.catch(() => undefined);
  stop.addEventListener("abort", close, { once: true });
  try {
    while (!stop.aborted) {
      const next = await iterator.next();
      if (next.done || stop.aborted) return;
      each(next.value);
    }
  } finally {
    stop.removeEventListener("abort", close);
  }
}
