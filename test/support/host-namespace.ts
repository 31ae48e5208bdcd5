// A stand-in for the matchbox host's network: a namespace the test makes and removes,
// reached from the test over a veth pair (a /30 of its own), with a default route (the
// "uplink") and a NIC carrying the switch-side MAC and address, as the host's NIC 1.
import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";

export interface HostNamespace {
  ns: string;
  /** The host's address as the test reaches it (its "public" address). */
  address: string;
  /** The test's side of the veth pair: the host's default gateway, where test servers it downloads from listen. */
  gateway: string;
  close(): void;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** hostNamespace builds the namespace; close() deletes it with everything in it. */
export function hostNamespace(o: { switchMac: string; switchAddress?: string; switchName?: string }): HostNamespace {
  const id = randomBytes(3).toString("hex");
  const ns = `pxt-host-${id}`;
  const outside = `pxt${id}a`;
  const inside = `pxt${id}b`;
  const net = `10.77.${randomInt(0, 256)}`;
  ip("netns", "add", ns);
  try {
    ip("link", "add", outside, "type", "veth", "peer", "name", inside);
    ip("link", "set", inside, "netns", ns);
    ip("addr", "add", `${net}.1/30`, "dev", outside);
    ip("link", "set", outside, "up");
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "addr", "add", `${net}.2/30`, "dev", inside);
    ip("-n", ns, "link", "set", inside, "up");
    ip("-n", ns, "route", "add", "default", "via", `${net}.1`);
    const nic = o.switchName ?? "ens4";
    // a veth pair inside the namespace (this kernel has no dummy driver); the peer stays loose
    ip("-n", ns, "link", "add", nic, "address", o.switchMac, "type", "veth", "peer", "name", `${nic}-peer`);
    ip("-n", ns, "link", "set", `${nic}-peer`, "up");
    ip("-n", ns, "link", "set", nic, "up");
    if (o.switchAddress) ip("-n", ns, "addr", "add", o.switchAddress, "dev", nic);
  } catch (e) {
    ip("netns", "del", ns);
    throw e;
  }
  return {
    ns,
    address: `${net}.2`,
    gateway: `${net}.1`,
    close() {
      ip("netns", "del", ns); // takes the inside end with it, and so the outside end
    },
  };
}
