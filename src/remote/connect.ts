// The entry point commands use to reach the host. It is light: ssh2 is loaded only when a
// connection is really made, so commands that merely import this stay fast to start.
import type { Clock } from "../core/clock";
import type { SshCredentials } from "./credentials";
import type { HostKeySeen } from "./fingerprint";
import type { RemoteHost } from "./host";

/**
 * HostKeyPolicy pins the host's key. Either a fingerprint recorded earlier must match, or
 * this is the first connection: onFirstUse receives the key the host showed, and the
 * caller records it (in state) and prints it. There is no "accept anything" mode.
 */
export type HostKeyPolicy =
  | { pinned: string; mismatchHint?: string }
  | { onFirstUse: (seen: HostKeySeen) => void | Promise<void>; mismatchHint?: string };

/** ConnectOptions say where to connect and how to log in. */
export interface ConnectOptions {
  host: string;
  /** Default 22. */
  port?: number;
  user: string;
  credentials: SshCredentials;
  hostKey: HostKeyPolicy;
  /** Receives the run log's lines: commands, their output, reconnections (Output.logOnly). */
  log: (line: string) => void;
  clock?: Clock;
  /** Attempts for each (re)connection, for hosts still booting; default 3. */
  connectAttempts?: number;
  /** Time for TCP connect, handshake and login, per attempt; default 20 s. */
  readyTimeoutMs?: number;
  /** Attempts for a command whose connection dropped (idempotent commands only); default 3. */
  commandAttempts?: number;
}

/** connectHost opens an SSH connection with the host key pinned and returns it as a RemoteHost. */
export async function connectHost(options: ConnectOptions): Promise<RemoteHost> {
  const { SshHost } = await import("./ssh-host");
  return SshHost.connect(options);
}
