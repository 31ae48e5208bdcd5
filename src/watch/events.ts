// What watch reports: typed events with their time, and the per-node view a table shows.
import type { Move, Stage, StageSpan } from "./lifecycle";
import type { Stuck } from "./stuck";

/** StageEvent: a watched node moved (advance, skip or a new boot cycle). */
export interface StageEvent {
  type: "stage";
  at: number;
  node: string;
  mac: string;
  stage: Stage;
  from: Stage;
  move: Exclude<Move, "duplicate" | "stale">;
  cycle: number;
  /** Stages between `from` and `stage` that were not seen (a skip). */
  skipped: Stage[];
  /** "reinstall" when an installed node fetched the install config again. */
  note?: "reinstall";
  /** What was seen, in a few words ("GET /ipxe?mac=...", "DHCPACK 10.0.0.5 (iPXE)"). */
  evidence: string;
}

/** StuckEvent: a watched node got stuck, or its cause changed. */
export interface StuckEvent extends Stuck {
  type: "stuck";
  at: number;
  node: string;
  mac: string;
  stage: Stage;
}

/** UnknownMacEvent: a MAC no node is registered with booted (reported once per MAC). */
export interface UnknownMacEvent {
  type: "unknown-mac";
  at: number;
  mac: string;
  evidence: string;
  /** A registered node whose MAC differs by a typo or two. */
  suggestion?: { node: string; mac: string };
}

/** NoticeEvent: something worth knowing that no node can be blamed for (e.g. a MAC matchbox could not parse). */
export interface NoticeEvent {
  type: "notice";
  at: number;
  message: string;
}

/** Outcome is how a watch ended: every node reached the goal, one failed, time ran out, or the logs ended. */
export type Outcome = "reached" | "failed" | "timeout" | "ended" | "interrupted";

/** NodeView is one watched node as a table or a summary shows it. */
export interface NodeView {
  node: string;
  mac: string;
  ip: string | undefined;
  cloudId: string | undefined;
  stage: Stage;
  since: number;
  cycle: number;
  /** Reached the watch's goal (--until). */
  reached: boolean;
  stuck: Stuck | undefined;
  last: { at: number; text: string } | undefined;
  spans: StageSpan[];
}

/** DoneEvent: the watch ended; the last event of every watch. */
export interface DoneEvent {
  type: "done";
  at: number;
  outcome: Outcome;
  until: Stage;
  nodes: NodeView[];
}

/** WatchEvent is everything a watch reports, in order. */
export type WatchEvent = StageEvent | StuckEvent | UnknownMacEvent | NoticeEvent | DoneEvent;
