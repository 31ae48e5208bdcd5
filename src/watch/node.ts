// One tracked machine: its lifecycle status plus the facts interpretation and stuck detection
// read. Registered nodes have a name; MACs nobody registered are tracked too (unnamed), so
// that a request without a MAC is attributed only when no other machine could have sent it.
import { type BootStatus, type Stage, initialStatus, stageIndex, stageSpans } from "./lifecycle";
import type { NodeView } from "./events";
import type { RegisteredNode } from "./ports";
import { type ProblemFact, type Stuck, type StuckFacts } from "./stuck";

/** NodeState is the mutable record the tracker keeps per MAC. */
export interface NodeState {
  name: string | undefined;
  mac: string;
  cloudId: string | undefined;
  watched: boolean;
  status: BootStatus;
  diskInstalled: boolean;
  ip: string | undefined;
  offeredBootFile: string | undefined;
  arch: number | undefined;
  poweredOffAt: number | undefined;
  problem: ProblemFact | undefined;
  /** Install configs fetched during this watch: a second one is an install loop. */
  installConfigs: number;
  ipxeScriptAt: number | undefined;
  /** The last file TFTP sent the node that starts its boot chain (iPXE, shim), kept across boot cycles. */
  bootFileSent: { file: string; at: number } | undefined;
  /** When a kernel or initrd was last attributed to the node. */
  kernelAt: number | undefined;
  last: { at: number; text: string } | undefined;
  stuck: Stuck | undefined;
  /** When the current stuck cause was first reported. */
  stuckAt: number | undefined;
}

/** newNode starts tracking a registered node (at its recorded stage) or an unknown MAC. */
export function newNode(mac: string, at: number, registered?: RegisteredNode, watched = false): NodeState {
  const stage: Stage = registered?.stage ?? "waiting";
  return {
    name: registered?.name,
    mac,
    cloudId: registered?.cloudId,
    watched,
    status: initialStatus(at, stage),
    diskInstalled: stageIndex(stage) >= stageIndex("installed-config"),
    ip: undefined,
    offeredBootFile: undefined,
    arch: undefined,
    poweredOffAt: undefined,
    problem: undefined,
    installConfigs: 0,
    ipxeScriptAt: undefined,
    bootFileSent: undefined,
    kernelAt: undefined,
    last: undefined,
    stuck: undefined,
    stuckAt: undefined,
  };
}

/** reachedGoal says whether a node is at or past `until`. */
export function reachedGoal(node: NodeState, until: Stage): boolean {
  return stageIndex(node.status.stage) >= stageIndex(until);
}

/** stuckFacts is the stuck detector's input for a node. */
export function stuckFacts(node: NodeState, until: Stage): StuckFacts {
  return {
    status: node.status,
    done: reachedGoal(node, until),
    problem: node.problem,
    installLoop: node.installConfigs >= 2 ? { count: node.installConfigs } : undefined,
    offeredBootFile: node.offeredBootFile,
    arch: node.arch,
    ipxeScriptAt: node.ipxeScriptAt,
    bootFileSent: node.bootFileSent,
  };
}

/** viewOf is a watched node as tables and summaries show it. */
export function viewOf(node: NodeState, until: Stage, now: number): NodeView {
  return {
    node: node.name ?? node.mac,
    mac: node.mac,
    ip: node.ip,
    cloudId: node.cloudId,
    stage: node.status.stage,
    since: node.status.since,
    cycle: node.status.cycle,
    reached: reachedGoal(node, until),
    stuck: node.stuck,
    last: node.last,
    spans: stageSpans(node.status, now),
  };
}
