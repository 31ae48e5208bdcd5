// The lab's network: one network namespace holding a bridge with the host address and
// one tap per VM. Nothing touches the root namespace, and deleting the namespace removes
// the bridge and taps with it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { RemoteError } from "../core/errors";

const run = promisify(execFile);

export interface LabNetwork {
  namespace: string;
  bridge: string;
  /** The host address on the bridge with its prefix, e.g. 10.254.0.1/24. */
  address: string;
  /** A ULA on the bridge: dnsmasq answers iPXE's router solicitation with it (saves ~13 s a boot). */
  ula: string;
  taps: string[];
}

async function ip(args: string[]): Promise<string> {
  try {
    return (await run("ip", args)).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new RemoteError(`ip ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim()}`, { cause: e, hint: "the lab needs root and iproute2" });
  }
}

/** namespaceExists tells whether a lab's namespace is already there. */
export async function namespaceExists(namespace: string): Promise<boolean> {
  return (await ip(["netns", "list"])).split("\n").some((l) => l.split(" ")[0] === namespace);
}

/** createLabNetwork makes the namespace, the bridge and the taps. */
export async function createLabNetwork(o: { namespace: string; address: string; ula: string; taps: number }): Promise<LabNetwork> {
  const ns = o.namespace;
  const bridge = "br-pxe";
  await ip(["netns", "add", ns]);
  try {
    await ip(["-n", ns, "link", "set", "lo", "up"]);
    await ip(["-n", ns, "link", "add", bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0"]);
    await ip(["-n", ns, "addr", "add", o.address, "dev", bridge]);
    await ip(["-n", ns, "addr", "add", o.ula, "dev", bridge, "nodad"]);
    await ip(["-n", ns, "link", "set", bridge, "up"]);
    const taps: string[] = [];
    for (let i = 0; i < o.taps; i++) {
      const tap = `tap${i}`;
      await ip(["-n", ns, "tuntap", "add", "dev", tap, "mode", "tap"]);
      await ip(["-n", ns, "link", "set", tap, "master", bridge, "up"]);
      taps.push(tap);
    }
    return { namespace: ns, bridge, address: o.address, ula: o.ula, taps };
  } catch (e) {
    await ip(["netns", "del", ns]).catch(() => undefined);
    throw e;
  }
}

/** deleteLabNetwork removes the namespace, and with it the bridge and taps. */
export async function deleteLabNetwork(namespace: string): Promise<void> {
  if (await namespaceExists(namespace)) await ip(["netns", "del", namespace]);
}

/** inNamespace prefixes a command so it runs inside the lab's namespace. */
export function inNamespace(namespace: string, command: string, args: readonly string[]): [string, string[]] {
  return ["ip", ["netns", "exec", namespace, command, ...args]];
}
