// Requests that name no machine (/boot.ipxe, the kernel, the initrd, the install image: matchbox
// logs no client address) belong to a machine only when exactly one could have sent them: one
// whose next request it is, that was in that stage when the request was logged.
import type { Stage } from "./lifecycle";
import type { NodeState } from "./node";
import type { RequestKind } from "./requests";

type Fits = (node: NodeState, at: number) => boolean;

const always: Fits = () => true;
// iPXE fetched its script in this stage, before the request: its kernel and initrd come next.
const scriptFetched: Fits = (n, at) => n.ipxeScriptAt !== undefined && n.ipxeScriptAt >= n.status.since && n.ipxeScriptAt <= at;

/** SENDERS lists, per MAC-less request, the stages a sender can be in and what it must have done. */
export const SENDERS: Partial<Record<RequestKind, ReadonlyArray<readonly [Stage, Fits]>>> = {
  // an iPXE ROM handed matchbox's URL, or iPXE loaded over TFTP that has not fetched its script yet
  "boot-script": [
    ["dhcp", (n) => /^https?:/.test(n.offeredBootFile ?? "")],
    ["ipxe", (n, at) => !scriptFetched(n, at)],
  ],
  // rebooting: a machine that network-boots after its install and loads the installer again
  kernel: [
    ["ipxe", scriptFetched],
    ["rebooting", scriptFetched],
  ],
  initrd: [
    ["kernel", always],
    ["ipxe", scriptFetched],
    ["rebooting", scriptFetched],
  ],
  // pxectl's installer fetches the installed config first, then the image: informative only
  "install-image": [
    ["installing", always],
    ["installed-config", always],
  ],
};

/**
 * senderOf is the one machine that can have sent a MAC-less request logged at `at`, or
 * undefined when none or several can. A machine that entered the stage after `at` is not a
 * candidate (the line is late or replayed), nor one that entered it more than windowMs before.
 */
export function senderOf(request: RequestKind, at: number, byStage: ReadonlyMap<Stage, ReadonlySet<NodeState>>, windowMs: number): NodeState | undefined {
  let found: NodeState | undefined;
  for (const [stage, fits] of SENDERS[request] ?? []) {
    for (const node of byStage.get(stage) ?? []) {
      if (node.status.since > at || node.status.since < at - windowMs || !fits(node, at)) continue;
      if (found) return undefined;
      found = node;
    }
  }
  return found;
}
