// The system the installer changes: a RemoteHost seen through a root prefix. With the
// prefix "/" it is the host itself. With another prefix (--root DIR, as systemctl --root)
// every file goes under DIR, and what needs the running system (apt-get, starting and
// restarting services, sysctl) becomes a recorded no-op, so tests can check the result
// on disk on machines without systemd as PID 1.
import { posix } from "node:path";
import type { ExecOptions, ExecResult, RemoteHost } from "../host";
import { quote } from "../shell";

/** Action is something done to the running system, or recorded instead under a root prefix. */
export interface Action {
  command: string;
  /** false when only recorded (root prefix). */
  ran: boolean;
}

/** Target runs the installer's commands as root, under an optional root prefix. */
export class Target {
  /** What was done (or, under a root prefix, would have been done) to the running system. */
  readonly actions: Action[] = [];

  constructor(
    readonly host: RemoteHost,
    /** "/" for the host itself, or the absolute prefix the files go under. */
    readonly root: string = "/",
  ) {
    if (!posix.isAbsolute(root)) throw new Error(`root prefix must be absolute, got ${root}`);
  }

  /** live says whether this is the running system (no prefix). */
  get live(): boolean {
    return this.root === "/";
  }

  /** path maps a path on the target system to where it is on the host. */
  path(path: string): string {
    return posix.join(this.root, path);
  }

  /** run runs a command as root; every installer command is safe to repeat after a dropped connection. */
  run(command: string, options: Omit<ExecOptions, "asRoot" | "idempotent"> = {}): Promise<ExecResult> {
    return this.host.exec(command, { ...options, asRoot: true, idempotent: true });
  }

  /** act runs a command that changes the running system, or only records it under a root prefix. */
  async act(command: string, options: Omit<ExecOptions, "asRoot" | "idempotent"> = {}): Promise<void> {
    if (this.live) await this.run(command, options);
    this.actions.push({ command, ran: this.live });
  }

  /** systemctl builds a systemctl command for this target (offline with --root under a prefix). */
  systemctl(...args: string[]): string {
    return ["systemctl", ...(this.live ? [] : [`--root=${this.root}`]), ...args].map(quote).join(" ");
  }

  /** readText returns a file's text on the target, or undefined when it does not exist. */
  async readText(path: string): Promise<string | undefined> {
    return (await this.host.readFile(this.path(path)))?.toString("utf8");
  }
}
