// Acceptors for SakuraCloud's asynchronous states, and waits built from them with the
// Go clients' defaults: poll every 5 s; a disk is ready when "available" (fails on
// "failed"); a server is up (or down) when available and its instance says so.
import type { Clock } from "../core/clock";
import { type Poll, type WaitProgress, waitFor } from "../wait";
import type { Disk, SakuraApi, Server } from "./types";

/** WaitTiming is how long and how often to check. */
export interface WaitTiming {
  clock: Clock;
  signal?: AbortSignal;
  /** 20 min, as DefaultStatePollingTimeout. */
  timeoutMs?: number;
  /** 5 s, as DefaultStatePollingInterval. */
  pollMs?: number;
  onProgress?: (progress: WaitProgress) => void;
}

export const DEFAULT_POLL_MS = 5_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 20 * 60_000;

/** diskAvailable accepts a disk whose copy has finished. */
export function diskAvailable(api: Pick<SakuraApi, "disks">, id: string): () => Promise<Poll<Disk>> {
  return async () => {
    const disk = await api.disks.get(id);
    if (disk.availability === "available") return { state: "success", value: disk };
    if (disk.availability === "failed") return { state: "failure", reason: `disk ${id} is "failed" (its copy did not finish)` };
    return { state: "retry", seen: disk.availability || "not yet reported" };
  };
}

/** serverIs accepts a server that is available and up (or down). */
export function serverIs(api: Pick<SakuraApi, "servers">, id: string, target: "up" | "down"): () => Promise<Poll<Server>> {
  return async () => {
    const server = await api.servers.get(id);
    if (server.availability === "available" && server.status === target) return { state: "success", value: server };
    if (server.availability === "failed") return { state: "failure", reason: `server ${id} is "failed"` };
    return { state: "retry", seen: server.availability === "available" ? server.status || "never started" : server.availability || "not yet reported" };
  };
}

/** waitOptions turns WaitTiming into waitFor's options, with a hint fit for SakuraCloud. */
export function waitOptions(what: string, t: WaitTiming) {
  const pollMs = t.pollMs ?? DEFAULT_POLL_MS;
  return {
    what,
    minDelayMs: pollMs,
    maxDelayMs: pollMs,
    timeoutMs: t.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    clock: t.clock,
    signal: t.signal,
    onProgress: t.onProgress,
    timeoutHint: "SakuraCloud may be slow right now: run the command again to keep waiting, or check the resource in the control panel",
  };
}

/** waitDiskAvailable waits until a disk's copy has finished. */
export function waitDiskAvailable(api: Pick<SakuraApi, "disks">, id: string, t: WaitTiming): Promise<Disk> {
  return waitFor(diskAvailable(api, id), waitOptions(`disk ${id} to be available`, t));
}
