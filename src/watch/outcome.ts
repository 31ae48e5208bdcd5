// What a watch's outcome means for the command: the exit code's error, in one line with a hint.
import { FailedError, type PxeError, RemoteError, TimeoutError } from "../core/errors";
import { formatDuration } from "../wait/duration";
import type { WatchResult } from "./engine";

const list = (names: string[]) => (names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`);

/** outcomeError is the error to exit with, or undefined when every node reached the goal. */
export function outcomeError(result: WatchResult, timeoutMs: number): PxeError | undefined {
  const pending = result.nodes.filter((n) => !n.reached);
  switch (result.outcome) {
    case "reached":
    case "interrupted": // the CLI frame exits 130 on its own signal
      return undefined;
    case "failed": {
      const failed = pending.filter((n) => n.stuck?.fatal);
      const first = failed[0]?.stuck;
      return new FailedError(`${failed.length} of ${result.nodes.length} nodes failed: ${list(failed.map((n) => `${n.node} (${n.stuck?.cause})`))}`, {
        hint: first ? `${failed[0]!.node}: ${first.hint}` : "pxectl node logs NODE shows a node's lines",
      });
    }
    case "timeout":
      return new TimeoutError(`${pending.length} of ${result.nodes.length} nodes did not get there within ${formatDuration(timeoutMs)}: ${list(pending.map((n) => `${n.node} (${n.stage})`))}`, {
        hint: "pxectl node logs NODE shows a node's lines; raise --timeout for slow installs",
      });
    case "ended":
      return new RemoteError("the log stream from the matchbox host ended before the nodes got there", {
        hint: "check that dnsmasq and matchbox run on the host (systemctl status dnsmasq matchbox) and run pxectl watch again",
      });
  }
}
