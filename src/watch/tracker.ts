// The tracker: every line and signal in, typed events out, synchronously. It owns the nodes
// (by MAC), attributes what carries no MAC when only one machine can have sent it, runs each
// node's lifecycle and stuck detection, and knows when every watched node has settled.
import { NotFoundError } from "../core/errors";
import { closest } from "../core/text";
import { senderOf } from "./attribution";
import { Correlator } from "./correlate";
import type { StageEvent, WatchEvent, NodeView } from "./events";
import { type HostView, targetStage, tftpStage } from "./interpret";
import { type Stage, transition } from "./lifecycle";
import { type NodeState, newNode, reachedGoal, stuckFacts, viewOf } from "./node";
import { type Observation, describeObservation } from "./observations";
import { parseLine } from "./parse";
import type { LogLine, NodeSignal, RegisteredNode } from "./ports";
import { DEFAULT_STUCK_OPTIONS, type Stuck, type StuckOptions, stuckOf } from "./stuck";

/** TrackerOptions: the goal, which registered nodes to watch (all when absent) and stuck limits. */
export interface TrackerOptions {
  until: Extract<Stage, "installed" | "ready">;
  /** The host's DHCP is a proxy and installed nodes are sent to their disks: see HostView. */
  installedOnBootScript?: boolean;
  watch?: readonly string[];
  stuck?: Partial<StuckOptions>;
}

const NONE: readonly WatchEvent[] = Object.freeze([]);

/** LATE_LINE_MS: how far behind the newest line a MAC-less request may be and still be attributed. */
export const LATE_LINE_MS = 1000;

/** Tracker turns lines and signals into events; pure apart from its own state. */
export class Tracker {
  private readonly nodes = new Map<string, NodeState>();
  private readonly byName = new Map<string, NodeState>();
  private readonly byStage = new Map<Stage, Set<NodeState>>();
  private readonly watched: NodeState[] = [];
  private readonly reached = new Set<NodeState>();
  private readonly failed = new Set<NodeState>();
  private readonly correlator = new Correlator();
  private readonly noticed = new Set<string>();
  /** Registered MACs as bare hex, for did-you-mean on unknown MACs. */
  private readonly registeredHex = new Map<string, NodeState>();
  private readonly stuckOptions: StuckOptions;
  /** The newest time a log line carried. */
  private newestAt = -Infinity;
  /** MAC-less request lines judged recently (time, kind, path), so a replay of one is not judged again. */
  private readonly recentMacless = new Map<string, number>();
  /**
   * The host's clock minus ours: lines carry the host's time, signals and ticks ours. Each
   * line received gives the offset minus its delay; the largest is the best estimate.
   */
  private hostOffset: number | undefined;
  readonly until: TrackerOptions["until"];
  private readonly host: HostView;

  constructor(registry: readonly RegisteredNode[], options: TrackerOptions, startedAt: number) {
    this.until = options.until;
    this.host = { installedOnBootScript: options.installedOnBootScript ?? false };
    this.stuckOptions = { ...DEFAULT_STUCK_OPTIONS, ...options.stuck };
    const wanted = new Set(options.watch ?? registry.map((n) => n.name));
    for (const name of wanted) {
      if (!registry.some((n) => n.name === name)) {
        const guess = closest(name, registry.map((n) => n.name));
        throw new NotFoundError(`no node named "${name}"`, { hint: guess ? `did you mean "${guess}"?` : "pxectl node list shows the registered nodes" });
      }
    }
    for (const r of registry) {
      const node = newNode(r.mac, startedAt, r, wanted.has(r.name));
      this.nodes.set(r.mac, node);
      this.byName.set(r.name, node);
      this.registeredHex.set(r.mac.replace(/:/g, ""), node);
      this.index(node, undefined);
      if (node.watched) {
        this.watched.push(node);
        this.classify(node, startedAt);
      }
    }
  }

  /** ingest reads one raw line; its time is the line's own, else when it was received, else `now`. */
  ingest(line: LogLine, now: number): readonly WatchEvent[] {
    const parsed = parseLine(line);
    if (!parsed) return NONE;
    if (parsed.at !== undefined) {
      const offset = parsed.at - (line.receivedAt ?? now);
      if (this.hostOffset === undefined || offset > this.hostOffset) this.hostOffset = offset;
    }
    const { observation } = this.correlator.correlate(parsed, parsed.at ?? line.receivedAt ?? now);
    return observation ? this.observe(observation) : NONE;
  }

  /** signal applies a probe's observation (power state, SSH readiness) about a named node. */
  signal(s: NodeSignal): readonly WatchEvent[] {
    const node = this.byName.get(s.node);
    if (!node) return NONE;
    const at = this.hostTime(s.at);
    return this.observe(s.kind === "power" ? { kind: "power", mac: node.mac, at, state: s.state } : { kind: "ready", mac: node.mac, at });
  }

  /** tick re-checks the quiet spells of the watched nodes at `now`, and which ones failed. */
  tick(now: number): readonly WatchEvent[] {
    const events: WatchEvent[] = [];
    const hostNow = this.hostTime(now);
    for (const node of this.watched) {
      this.checkStuck(node, hostNow, events);
      this.classify(node, hostNow);
    }
    return events;
  }

  /** views shows the watched nodes in registry order. */
  views(now: number): NodeView[] {
    return this.watched.map((n) => viewOf(n, this.until, this.hostTime(now)));
  }

  /** settled is "reached" or "failed" once every watched node reached the goal or failed; else undefined. */
  settled(): "reached" | "failed" | undefined {
    if (this.reached.size + this.failed.size < this.watched.length) return undefined;
    return this.failed.size > 0 ? "failed" : "reached";
  }

  /** hostTime converts a time of our clock to the host's. */
  private hostTime(ours: number): number {
    return ours + (this.hostOffset ?? 0);
  }

  private observe(o: Observation): readonly WatchEvent[] {
    const events: WatchEvent[] = [];
    const node = o.mac === undefined ? this.attribute(o) : (this.nodes.get(o.mac) ?? this.track(o.mac, o, events));
    if (o.kind !== "power" && o.kind !== "ready" && o.at > this.newestAt) this.newestAt = o.at;
    if (!node) {
      if (o.kind === "matchbox-problem") this.notice(o.at, `matchbox: ${o.message}`, events);
      return events;
    }
    this.record(node, o);
    const target = targetStage(o, node, this.host);
    if (target) this.move(node, target, o, events);
    this.checkStuck(node, o.at, events);
    return events.length === 0 ? NONE : events;
  }

  private attribute(o: Observation): NodeState | undefined {
    // Who could have sent a request is judged on the nodes as they are now: a line older than
    // the newest one seen (a replay, a late stream) was judged among other nodes then.
    if (o.kind !== "request" || o.at < this.newestAt - LATE_LINE_MS) return undefined;
    // the same request line seen again (a replayed window of the log) was judged the first time
    const key = `${o.at} ${o.request} ${o.path}`;
    if (this.recentMacless.has(key)) return undefined;
    this.recentMacless.set(key, o.at);
    for (const [k, at] of this.recentMacless) {
      if (at >= this.newestAt - LATE_LINE_MS) break;
      this.recentMacless.delete(k);
    }
    // an install takes minutes between its steps; the PXE steps take seconds
    const window = o.request === "install-image" ? this.stuckOptions.stallMs : this.stuckOptions.bootStepMs;
    return senderOf(o.request, o.at, this.byStage, window);
  }

  private track(mac: string, o: Observation, events: WatchEvent[]): NodeState {
    const node = newNode(mac, o.at);
    this.nodes.set(mac, node);
    this.index(node, undefined);
    const guess = closest(mac.replace(/:/g, ""), this.registeredHex.keys());
    const near = guess === undefined ? undefined : this.registeredHex.get(guess);
    events.push({ type: "unknown-mac", at: o.at, mac, evidence: describeObservation(o), ...(near?.name ? { suggestion: { node: near.name, mac: near.mac } } : {}) });
    return node;
  }

  private record(node: NodeState, o: Observation): void {
    if (!node.last || o.at >= node.last.at) node.last = { at: o.at, text: describeObservation(o) };
    switch (o.kind) {
      case "dhcp":
        if (o.ip && (o.message === "DHCPOFFER" || o.message === "DHCPACK")) node.ip = o.ip;
        if (o.arch !== undefined) node.arch = o.arch;
        break;
      case "boot-file-offered":
        node.offeredBootFile = o.file;
        break;
      case "tftp":
        node.ip = o.ip;
        if (o.event === "sent" && o.path !== undefined && tftpStage(o.path) === "boot-file") node.bootFileSent = { file: o.path.slice(o.path.lastIndexOf("/") + 1), at: o.at };
        if (o.event === "not-found" && (node.status.stage === "dhcp" || node.status.stage === "boot-file") && !olderThanStage(node, o) && isBootFile(o.path ?? "")) {
          node.problem = { cause: "boot-file-missing", at: o.at, detail: `TFTP: boot file ${o.path ?? "?"} not found` };
        }
        // GRUB fetches the profile's kernel and initrd over TFTP from matchbox's assets: one not there stops the boot
        if (o.event === "not-found" && node.status.stage === "grub-config" && /(?:^|\/)assets\//.test(o.path ?? "") && !olderThanStage(node, o)) {
          node.problem = { cause: "boot-file-missing", at: o.at, detail: `TFTP: GRUB's kernel or initrd ${o.path ?? "?"} not found (put it into matchbox's assets: pxectl assets prefetch)` };
        }
        if (o.event === "not-found" && /(?:^|\/)grub\/nodes\/[^/]+\.cfg$/.test(o.path ?? "") && !olderThanStage(node, o)) {
          node.problem = { cause: "no-grub-config", at: o.at, detail: `TFTP: GRUB found no config for ${node.mac} (${o.path ?? "?"})` };
        }
        break;
      case "request":
        if (o.request === "ipxe-script") node.ipxeScriptAt = o.at;
        if (o.request === "kernel" || o.request === "initrd") node.kernelAt = o.at;
        break;
      case "matchbox-problem":
        if (o.problem !== "unparseable-mac" && !olderThanStage(node, o)) node.problem = { cause: o.problem, at: o.at, detail: `matchbox: ${o.message}` };
        break;
      case "power":
        if (o.state === "off") node.poweredOffAt = o.at;
        break;
      case "ready":
        break;
    }
  }

  private move(node: NodeState, target: Stage, o: Observation, events: WatchEvent[]): void {
    const from = node.status.stage;
    const { status, move, skipped } = transition(node.status, target, o.at);
    if (move === "duplicate" || move === "stale") return;
    node.status = status;
    node.problem = undefined; // whatever held the node up is behind it now
    this.index(node, from);
    let note: StageEvent["note"];
    if (move === "restart") node.offeredBootFile = undefined;
    if (target === "install-config") {
      if (node.installConfigs === 0 && node.diskInstalled) note = "reinstall";
      node.installConfigs++;
    }
    if (target === "installed-config") node.diskInstalled = true;
    if (!node.watched) return;
    this.classify(node, o.at);
    events.push({ type: "stage", at: o.at, node: node.name!, mac: node.mac, stage: status.stage, from, move, cycle: status.cycle, skipped, ...(note ? { note } : {}), evidence: describeObservation(o) });
  }

  private checkStuck(node: NodeState, now: number, events: WatchEvent[]): void {
    const stuck = stuckOf(stuckFacts(node, this.until), now, this.stuckOptions);
    if (sameStuck(stuck, node.stuck)) return;
    node.stuck = stuck;
    node.stuckAt = stuck ? now : undefined;
    if (!node.watched) return;
    this.classify(node, now);
    if (stuck) events.push({ type: "stuck", at: now, node: node.name!, mac: node.mac, stage: node.status.stage, ...stuck });
  }

  private notice(at: number, message: string, events: WatchEvent[]): void {
    if (this.noticed.has(message)) return;
    this.noticed.add(message);
    events.push({ type: "notice", at, message });
  }

  private index(node: NodeState, from: Stage | undefined): void {
    if (from !== undefined) this.byStage.get(from)?.delete(node);
    let set = this.byStage.get(node.status.stage);
    if (!set) this.byStage.set(node.status.stage, (set = new Set()));
    set.add(node);
  }

  private classify(node: NodeState, now: number): void {
    this.reached.delete(node);
    this.failed.delete(node);
    if (reachedGoal(node, this.until)) this.reached.add(node);
    else if (node.stuck?.fatal && now - node.stuckAt! >= this.stuckOptions.failAfterMs) this.failed.add(node);
  }
}

// A problem logged before the node's current stage began was overcome (a late line).
function olderThanStage(node: NodeState, o: Observation): boolean {
  return node.status.seen && o.at < node.status.since;
}

// The quiet-spell message names a growing duration: only a change of cause is news.
function sameStuck(a: Stuck | undefined, b: Stuck | undefined): boolean {
  if (!a || !b) return a === b;
  return a.cause === b.cause && (!a.fatal || a.message === b.message);
}

// What shim and GRUB probe for and do without: shim's optional revocation and certificate
// files, GRUB's module lists. Their absence stops nothing.
const OPTIONAL_TFTP = /(?:revocations_[a-z]+\.efi|shim_certificate[^/]*\.efi|\/grub\/x86_64-efi\/[^/]+|\/grub\/grub\.cfg)$/;

/** isBootFile tells whether a file TFTP did not find stops the boot: anything but shim's and GRUB's optional probes. */
function isBootFile(path: string): boolean {
  return !OPTIONAL_TFTP.test(path);
}
