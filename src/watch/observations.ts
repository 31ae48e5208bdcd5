// Observations: what a log line or a probe says about one machine, attributed to its MAC.
import type { MatchboxProblem } from "./parse";
import type { RequestKind } from "./requests";

/**
 * DhcpClient is who sent a DHCP request, from the --log-dhcp lines of its exchange: PXE
 * firmware (vendor class PXEClient, or HTTPClient for UEFI HTTP boot), iPXE (user class iPXE), an operating system (neither),
 * or unknown when dnsmasq runs without --log-dhcp.
 */
export type DhcpClient = "pxe" | "ipxe" | "os" | "unknown";

/** Observation is one fact about one machine; mac is undefined when the line names none. */
export type Observation =
  | { kind: "dhcp"; mac: string; at: number; message: string; client: DhcpClient; ip?: string; arch?: number }
  | { kind: "boot-file-offered"; mac: string; at: number; file: string }
  | { kind: "tftp"; mac: string; at: number; event: "sent" | "not-found" | "client-error" | "failed"; path?: string; ip: string; detail?: string }
  | { kind: "request"; mac: string | undefined; at: number; request: RequestKind; path: string }
  | { kind: "matchbox-problem"; mac: string | undefined; at: number; problem: MatchboxProblem; message: string }
  | { kind: "power"; mac: string; at: number; state: "on" | "off" }
  | { kind: "ready"; mac: string; at: number };

/** describeObservation says in a few words what was seen, for "last event" columns. */
export function describeObservation(o: Observation): string {
  switch (o.kind) {
    case "dhcp": {
      const who = o.client === "unknown" ? "" : ` (${o.client === "os" ? "OS" : o.client === "pxe" ? "PXE firmware" : "iPXE"})`;
      return `${o.message}${o.ip ? ` ${o.ip}` : ""}${who}`;
    }
    case "boot-file-offered":
      return `offered boot file ${o.file}`;
    case "tftp":
      if (o.event === "sent") return `TFTP sent ${basename(o.path)}`;
      if (o.event === "not-found") return `TFTP file ${basename(o.path)} not found`;
      if (o.event === "client-error") return `TFTP client aborted (${o.detail ?? "error"})`;
      return `TFTP ${o.detail ?? "failed"} sending ${basename(o.path)}`;
    case "request":
      return `GET ${o.path}`;
    case "matchbox-problem":
      return `matchbox: ${o.message}`;
    case "power":
      return `power ${o.state}`;
    case "ready":
      return "SSH answers";
  }
}

function basename(path: string | undefined): string {
  if (path === undefined) return "?";
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}
