// One SSH connection (ssh2 Client): the handshake with host key pinning, channels for
// commands, and SFTP. It knows nothing of retries; SshHost opens a new session when
// one drops.
import { type AnyAuthMethod, Client, type ClientChannel, type SFTPWrapper } from "ssh2";
import { ConnectionDroppedError, HostKeyMismatchError } from "./errors";
import { type HostKeySeen, describeHostKey } from "./fingerprint";

/** HostKeyCheck pins the server's key: a fingerprint recorded before, or none yet (first use). */
export interface HostKeyCheck {
  pinned: string | undefined;
  /** Advice shown with a mismatch. */
  mismatchHint: string;
}

/** SessionConfig is everything one connection needs. */
export interface SessionConfig {
  host: string;
  port: number;
  username: string;
  auth: AnyAuthMethod[];
  hostKey: HostKeyCheck;
  /** Time allowed for TCP connect, handshake and authentication, in ms. */
  readyTimeoutMs: number;
  /** Keepalive interval in ms: a silent network failure is noticed after three missed answers. */
  keepaliveMs: number;
  /** ssh2's debug lines; useful in the run log when authentication fails. */
  debug?: (line: string) => void;
}

/** Session is one authenticated SSH connection. */
export class Session {
  private closedError: Error | undefined;
  private sftpPromise: Promise<SFTPWrapper> | undefined;
  private readonly closeListeners = new Set<(error: Error) => void>();

  private constructor(
    private readonly client: Client,
    /** The host key the server showed. */
    readonly hostKey: HostKeySeen,
    private readonly target: string,
  ) {
    client.on("close", () => this.markClosed(new ConnectionDroppedError(target, true)));
    client.on("error", (e) => this.markClosed(new ConnectionDroppedError(target, true, e)));
  }

  /** open connects, checks the host key against the pin and authenticates. */
  static open(c: SessionConfig): Promise<Session> {
    const target = `${c.host}:${c.port}`;
    return new Promise((resolve, reject) => {
      const client = new Client();
      let seen: HostKeySeen | undefined;
      let refused: Error | undefined;
      const fail = (e: Error) => {
        client.removeAllListeners();
        client.on("error", () => undefined); // late socket errors after end() are expected
        client.end();
        reject(refused ?? e);
      };
      client.once("ready", () => {
        client.removeListener("error", fail);
        resolve(new Session(client, seen!, target));
      });
      client.once("error", fail);
      client.connect({
        host: c.host,
        port: c.port,
        username: c.username,
        authHandler: c.auth,
        readyTimeout: c.readyTimeoutMs,
        keepaliveInterval: c.keepaliveMs,
        keepaliveCountMax: 3,
        debug: c.debug,
        // Without hostHash ssh2 hands over the raw key blob, which gives OpenSSH's fingerprint.
        hostVerifier: (blob: Buffer) => {
          seen = describeHostKey(blob);
          if (c.hostKey.pinned === undefined || c.hostKey.pinned === seen.fingerprint) return true;
          refused = new HostKeyMismatchError(target, c.hostKey.pinned, seen.fingerprint, seen.keyType, c.hostKey.mismatchHint);
          return false;
        },
      });
    });
  }

  /** closed is set once the connection is gone. */
  get closed(): boolean {
    return this.closedError !== undefined;
  }

  /** onClose calls listener when the connection goes; the returned function unsubscribes. */
  onClose(listener: (error: Error) => void): () => void {
    if (this.closedError) {
      listener(this.closedError);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** exec opens a channel running command; a connection already gone is "not started". */
  exec(command: string): Promise<ClientChannel> {
    if (this.closedError) return Promise.reject(new ConnectionDroppedError(this.target, false, this.closedError));
    return new Promise((resolve, reject) => {
      try {
        this.client.exec(command, (err, channel) => (err ? reject(this.notStarted(err)) : resolve(channel)));
      } catch (e) {
        // ssh2 throws synchronously when the socket is already unwritable
        reject(this.notStarted(e));
      }
    });
  }

  /** sftp opens (once) the SFTP subsystem on this connection. */
  sftp(): Promise<SFTPWrapper> {
    this.sftpPromise ??= new Promise((resolve, reject) => {
      this.client.sftp((err, sftp) => (err ? reject(this.notStarted(err)) : resolve(sftp)));
    });
    return this.sftpPromise;
  }

  /** end closes the connection politely. */
  end(): void {
    this.markClosed(new Error("closed"));
    this.client.end();
  }

  // A channel refused because the connection is going or gone never ran its command.
  private notStarted(e: unknown): Error {
    const lost = this.closedError !== undefined || /not connected|no response from server/i.test(String((e as Error | undefined)?.message));
    return lost ? new ConnectionDroppedError(this.target, false, e) : e instanceof Error ? e : new Error(String(e));
  }

  private markClosed(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    for (const listener of this.closeListeners) listener(error);
    this.closeListeners.clear();
  }
}
