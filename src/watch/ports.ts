// The ports `watch` consumes: log lines from the host, the node registry, and signals (power
// state, readiness) from probes that live elsewhere. All I/O stays behind these types.
import type { Stage } from "./lifecycle";

/**
 * LogOrigin says how to read a line: a dnsmasq line or a matchbox (logrus) line, each with or
 * without a syslog/journal prefix; a `journalctl -o short*` line from either unit ("journal");
 * or one record of `journalctl -o json` from either unit (what the SSH follower runs).
 */
export type LogOrigin = "dnsmasq" | "matchbox" | "journal" | "journal-json";

/** LogLine is one raw line as a source delivered it. */
export interface LogLine {
  origin: LogOrigin;
  text: string;
  /** When pxectl received it (ms since the epoch); the time of lines that carry none. */
  receivedAt?: number;
}

/** LogSource yields raw lines until the stream ends (the SSH follower, a file, a test). */
export type LogSource = AsyncIterable<LogLine>;

/** RegisteredNode is what the registry knows about a machine. */
export interface RegisteredNode {
  name: string;
  /** Normalised ("52:54:00:a1:9c:ae"); see core/mac normalizeMac. */
  mac: string;
  /** The SakuraCloud server id of a cloud node. */
  cloudId?: string;
  /** The stage recorded by an earlier run (e.g. "installed"); the watch starts there. */
  stage?: Stage;
}

/** NodeRegistry lists the registered nodes (from state.json's nodes). */
export interface NodeRegistry {
  nodes(): readonly RegisteredNode[];
}

/** NodeSignal is an observation from a probe rather than a log: power state or readiness. */
export type NodeSignal =
  | { kind: "power"; node: string; state: "on" | "off"; at: number }
  /** The installed system answers SSH (the check runs through the host). */
  | { kind: "ready"; node: string; at: number };

/** SignalSource yields signals: the cloud power poller, the readiness prober. */
export type SignalSource = AsyncIterable<NodeSignal>;
