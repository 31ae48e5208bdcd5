// The network of the machine-backed test server, all inside one network namespace it
// creates: the zone's shared segment is a bridge holding the segment's gateway address,
// each switch is a bridge of its own, each NIC of a running server a tap on one of them.
// The machine this runs on reaches the shared segment over a veth pair whose root side
// routes only the segment's /24 into the namespace; an "uplink" address on the
// namespace's loopback stands for the internet behind the gateway. Deleting the namespace
// removes bridges, taps, the veth pair and its route at once.
import { execFile } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

/** ip runs iproute2 and throws its own message when it fails. */
export async function ip(...args: string[]): Promise<string> {
  try {
    return (await run("ip", args)).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(" ")}: ${(err.stderr || err.message).trim()}`, { cause: e });
  }
}

/** SHARED_BRIDGE is the shared segment's bridge inside the namespace. */
export const SHARED_BRIDGE = "shared";

/** CloudNetwork is the namespace and its addresses. */
export interface CloudNetwork {
  namespace: string;
  /** The shared segment: network address, prefix length, gateway (on the bridge). */
  shared: { network: string; maskLen: number; gateway: string };
  /** This machine's address as the shared segment sees it (the operator's public address). */
  operatorAddress: string;
  /** An address behind the gateway, for "does a node reach the internet" checks. */
  uplinkAddress: string;
  /** The root namespace's end of the veth pair. */
  outsideLink: string;
}

async function usedThirdOctets(): Promise<Set<number>> {
  const routes = await ip("-4", "route", "show", "table", "all");
  const used = new Set<number>();
  for (const m of routes.matchAll(/\b198\.1[89]\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

/** createCloudNetwork makes the namespace, the shared bridge and the route to it from this machine. */
export async function createCloudNetwork(prefix = "pxcl"): Promise<CloudNetwork> {
  const id = randomBytes(2).toString("hex");
  const namespace = `${prefix}-${id}`;
  const outsideLink = `${prefix}${id}`;
  const used = await usedThirdOctets();
  let n = randomInt(1, 250);
  for (let tries = 0; used.has(n) && tries < 250; tries++) n = (n % 249) + 1;
  if (used.has(n)) throw new Error("no free /24 in 198.18.0.0/15 for the shared segment");
  const net: CloudNetwork = {
    namespace,
    shared: { network: `198.18.${n}.0`, maskLen: 24, gateway: `198.18.${n}.1` },
    operatorAddress: `198.19.${n}.1`,
    uplinkAddress: `198.19.${n}.100`,
    outsideLink,
  };
  await ip("netns", "add", namespace);
  try {
    const inNs = (...args: string[]) => ip("-n", namespace, ...args);
    await inNs("link", "set", "lo", "up");
    await inNs("addr", "add", `${net.uplinkAddress}/32`, "dev", "lo");
    await inNs("link", "add", SHARED_BRIDGE, "type", "bridge", "stp_state", "0", "forward_delay", "0");
    await inNs("addr", "add", `${net.shared.gateway}/${net.shared.maskLen}`, "dev", SHARED_BRIDGE);
    await inNs("link", "set", SHARED_BRIDGE, "up");
    await ip("link", "add", outsideLink, "type", "veth", "peer", "name", "operator", "netns", namespace);
    await ip("addr", "add", `${net.operatorAddress}/30`, "dev", outsideLink);
    await ip("link", "set", outsideLink, "up");
    await inNs("addr", "add", `198.19.${n}.2/30`, "dev", "operator");
    await inNs("link", "set", "operator", "up");
    await ip("route", "add", `${net.shared.network}/${net.shared.maskLen}`, "via", `198.19.${n}.2`, "dev", outsideLink);
    await run("ip", ["netns", "exec", namespace, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  } catch (e) {
    await deleteCloudNetwork(net).catch(() => undefined);
    throw e;
  }
  return net;
}

/** deleteCloudNetwork removes the namespace; the veth pair and its route go with it. */
export async function deleteCloudNetwork(net: Pick<CloudNetwork, "namespace" | "outsideLink">): Promise<void> {
  await ip("netns", "del", net.namespace).catch(() => undefined);
  // the pair dies with its inside end; this only matters if the namespace was half made
  await ip("link", "del", net.outsideLink).catch(() => undefined);
}

/** addBridge makes a switch's bridge (no address: a plain L2 segment). */
export async function addBridge(namespace: string, name: string): Promise<void> {
  await ip("-n", namespace, "link", "add", name, "type", "bridge", "stp_state", "0", "forward_delay", "0");
  await ip("-n", namespace, "link", "set", name, "up");
}

export async function deleteLink(namespace: string, name: string): Promise<void> {
  await ip("-n", namespace, "link", "del", name).catch(() => undefined);
}

/** addTap plugs a new tap into a bridge, for one NIC of a running server. */
export async function addTap(namespace: string, tap: string, bridge: string): Promise<void> {
  await ip("-n", namespace, "tuntap", "add", "dev", tap, "mode", "tap");
  await ip("-n", namespace, "link", "set", tap, "master", bridge, "up");
}

/** links lists the namespace's interface names (for leak checks). */
export async function links(namespace: string): Promise<string[]> {
  const out = await ip("-n", namespace, "-o", "link", "show");
  return out.split("\n").filter(Boolean).map((l) => l.split(": ")[1]!.split("@")[0]!);
}
