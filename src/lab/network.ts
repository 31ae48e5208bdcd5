// The lab's network: one network namespace holding a bridge with the host address and
// one tap per VM. Nothing touches the root namespace, and deleting the namespace removes
// the bridge and taps with it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { LabError } from "../core/errors";

const run = promisify(execFile);

async function ip(args: string[]): Promise<string> {
  try {
    return (await run("ip", args)).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new LabError(`ip ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim()}`, { cause: e, hint: "the lab needs root and iproute2 (run it with sudo)" });
  }
}

/** namespaceExists tells whether a lab's namespace is already there. */
export async function namespaceExists(namespace: string): Promise<boolean> {
  return (await ip(["netns", "list"])).split("\n").some((l) => l.split(" ")[0] === namespace);
}

/** LAB_BRIDGE is the bridge's name inside the lab's namespace. */
export const LAB_BRIDGE = "br-pxe";

/** createLabNetwork makes the namespace and the bridge with the host's addresses. */
export async function createLabNetwork(o: { namespace: string; address: string; ula: string }): Promise<void> {
  const ns = o.namespace;
  await ip(["netns", "add", ns]);
  try {
    await ip(["-n", ns, "link", "set", "lo", "up"]);
    await ip(["-n", ns, "link", "add", LAB_BRIDGE, "type", "bridge", "stp_state", "0", "forward_delay", "0"]);
    await ip(["-n", ns, "addr", "add", o.address, "dev", LAB_BRIDGE]);
    await ip(["-n", ns, "addr", "add", o.ula, "dev", LAB_BRIDGE, "nodad"]);
    await ip(["-n", ns, "link", "set", LAB_BRIDGE, "up"]);
  } catch (e) {
    await ip(["netns", "del", ns]).catch(() => undefined);
    throw e;
  }
}

/** addTap plugs a new tap into the bridge, for one VM. */
export async function addTap(namespace: string, tap: string): Promise<void> {
  await ip(["-n", namespace, "tuntap", "add", "dev", tap, "mode", "tap"]);
  await ip(["-n", namespace, "link", "set", tap, "master", LAB_BRIDGE, "up"]);
}

/** removeTap unplugs and deletes a tap (the VM using it has stopped). */
export async function removeTap(namespace: string, tap: string): Promise<void> {
  await ip(["-n", namespace, "link", "del", tap]).catch(() => undefined);
}

/** deleteLabNetwork removes the namespace, and with it the bridge and taps. */
export async function deleteLabNetwork(namespace: string): Promise<void> {
  if (await namespaceExists(namespace)) await ip(["netns", "del", namespace]);
}

/** inNamespace prefixes a command so it runs inside the lab's namespace. */
export function inNamespace(namespace: string, command: readonly string[]): string[] {
  return ["ip", "netns", "exec", namespace, ...command];
}
