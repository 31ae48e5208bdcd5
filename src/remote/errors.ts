// SSH failures: judged here for the retry loop (classifySsh) and translated once into
// RemoteError with a one-line message and a hint. Messages never hold passwords or keys.
import { RemoteError, TimeoutError } from "../core/errors";
import type { ErrorClass } from "../retry";

/** HostKeyMismatchError refuses a host whose key differs from the pinned one. */
export class HostKeyMismatchError extends RemoteError {
  readonly expected: string;
  readonly seen: string;

  constructor(target: string, expected: string, seen: string, keyType: string, hint: string) {
    super(`host key of ${target} changed: pinned ${expected}, the host now shows ${seen} (${keyType}); refusing to connect`, { hint });
    this.expected = expected;
    this.seen = seen;
  }
}

/** DEFAULT_MISMATCH_HINT is the advice shown with a changed host key unless the caller has better. */
export const DEFAULT_MISMATCH_HINT =
  "if the host was rebuilt on purpose, check the new key on its console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), forget the pinned one and connect again; otherwise do not connect: someone may be intercepting the connection";

/**
 * ConnectionDroppedError is a connection lost while a command was underway. `started`
 * says whether the command may have run; only then does retrying depend on idempotence.
 */
export class ConnectionDroppedError extends Error {
  constructor(
    readonly target: string,
    readonly started: boolean,
    cause?: unknown,
  ) {
    super(`the connection to ${target} dropped`, cause === undefined ? undefined : { cause });
    this.name = "ConnectionDroppedError";
  }
}

interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

const TRANSIENT_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"]);

/** classifySsh judges a failed connect or command for the retry loop; `idempotent` is the command's. */
export function classifySsh(error: unknown, idempotent: boolean): ErrorClass {
  if (error instanceof ConnectionDroppedError) return !error.started || idempotent ? "transient" : "fatal";
  const e = error as Ssh2Error;
  if (e?.level === "client-timeout") return "transient";
  if (e?.level === "client-socket" && e.code !== undefined && TRANSIENT_SOCKET_CODES.has(e.code)) return "transient";
  if (e?.code !== undefined && TRANSIENT_SOCKET_CODES.has(e.code)) return "transient";
  return "fatal";
}

/** connectFailure translates a failed connection into a RemoteError (or TimeoutError) naming the target and the fix. */
export function connectFailure(error: unknown, target: string, user: string, attempts: number): RemoteError | TimeoutError {
  if (error instanceof RemoteError) return error;
  const e = error as Ssh2Error;
  const tries = attempts > 1 ? ` (${attempts} attempts)` : "";
  if (e?.level === "client-authentication") {
    return new RemoteError(`ssh: ${target} refused every credential offered for user ${user}`, {
      cause: error,
      hint: "check the user name and that the key (or the agent's keys) is in the user's ~/.ssh/authorized_keys on the host",
    });
  }
  if (e?.level === "client-timeout") {
    return new TimeoutError(`ssh: no SSH handshake from ${target}${tries}`, { cause: error, hint: "check that sshd runs on the host and that a packet filter lets you reach the port" });
  }
  if (e?.code === "ECONNREFUSED") {
    return new RemoteError(`ssh: ${target} refused the connection${tries}`, { cause: error, hint: "check the address and port, and that sshd runs on the host (it may still be booting)" });
  }
  if (e?.code === "ENOTFOUND") {
    return new RemoteError(`ssh: cannot resolve the host name of ${target}`, { cause: error, hint: "check the host address" });
  }
  const detail = e?.message ? `: ${e.message}` : "";
  return new RemoteError(`ssh: cannot connect to ${target}${tries}${detail}`, { cause: error, hint: "check the address, port and packet filter, then run the command again" });
}
