// A project's registered nodes as the node commands look them up: by name, and with the
// leases dnsmasq gave them (the lab's lease file, or the host's over SSH).
import { readFile } from "node:fs/promises";
import { NotFoundError } from "../core/errors";
import { closest } from "../core/text";
import { connectRecordedHost } from "../environment/reach";
import { labPaths, labOf } from "../lab/state";
import { type Lease, parseLeases, readLeases } from "../nodes/leases";
import type { Session } from "./session";

/** findNode returns a registered node, or a NotFoundError with the name it was probably meant to be. */
export async function findNode(ctx: Session, name: string) {
  const state = await ctx.readState();
  const node = state.state.nodes[name];
  if (!node) {
    const guess = closest(name, Object.keys(state.state.nodes));
    throw new NotFoundError(`no node named ${name}`, { hint: guess ? `did you mean ${guess}?` : "pxectl node list shows the nodes" });
  }
  return node;
}

/** leasesOrNothing asks the host for leases; a host that cannot be reached is a warning, not a failure. */
export async function leasesOrNothing(ctx: Session): Promise<Map<string, Lease>> {
  try {
    const lab = labOf((await ctx.readState()).state);
    if (lab) return parseLeases(await readFile(labPaths(lab.dir).leases, "utf8").catch(() => ""));
    return await readLeases(await connectRecordedHost(ctx));
  } catch (e) {
    ctx.out.warn(`no DHCP leases: ${e instanceof Error ? e.message : String(e)}`);
    return new Map();
  }
}
