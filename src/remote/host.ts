// RemoteHost: the port through which pxectl changes and watches the matchbox host. The
// installer and `watch` take one as a parameter; SSH (ssh-host.ts) is the implementation.

/** ExecOptions tune one command. */
export interface ExecOptions {
  /** Run as root: through `sudo -n` when the login user is not root. */
  asRoot?: boolean;
  /** Kill the command (and everything it started) after this long; default 10 minutes. */
  timeoutMs?: number;
  /**
   * The command is safe to run again: after a dropped connection it is retried on a new
   * one. A command that never started is always retried.
   */
  idempotent?: boolean;
  /** Exit codes that are answers rather than failures, e.g. [0, 1] for `grep -q`. Default [0]. */
  okExitCodes?: readonly number[];
  /** Copy output lines to the run log (default true). Off for output that is data, e.g. file contents. */
  logOutput?: boolean;
  /** What messages call the command, when its text is long or not meant for people. */
  label?: string;
  signal?: AbortSignal;
}

/** ExecResult is a finished command. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** LinesOptions tune a long-running command whose output is followed line by line. */
export interface LinesOptions {
  asRoot?: boolean;
  /** Aborting kills the remote command and ends the iteration without an error. */
  signal: AbortSignal;
  label?: string;
}

/** UploadOptions say what a file becomes on the host. */
export interface UploadOptions {
  /** Permission bits, e.g. 0o600. */
  mode: number;
  /** Owner and group names; root's when absent. */
  owner?: string;
  group?: string;
}

/** RemoteHost runs commands on a host and moves files to and from it. */
export interface RemoteHost {
  /** Who and where, for messages: "root@203.0.113.7:22". */
  readonly label: string;
  /** The login user; commands with asRoot go through sudo unless it is root. */
  readonly user: string;
  /** exec runs a command; a non-zero exit (not in okExitCodes) is a RemoteError. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** lines runs a long-running command and yields its stdout lines as they arrive. */
  lines(command: string, options: LinesOptions): AsyncIterable<string>;
  /** upload writes data to path atomically: readers see the old file or the new one, whole. */
  upload(data: string | Uint8Array, path: string, options: UploadOptions): Promise<void>;
  /** readFile returns a file's bytes (read as root), or undefined when it does not exist. */
  readFile(path: string): Promise<Buffer | undefined>;
  /** close ends the connection; later calls fail. */
  close(): Promise<void>;
}
