// A RemoteHost that answers commands from a script, for the installer's live-system paths
// (systemctl restart, is-active, journalctl) that this machine cannot run: no systemd as
// PID 1 here. Every command is recorded; an unscripted one fails the test loudly.
import { RemoteError } from "../../src/core/errors";
import type { ExecOptions, ExecResult, LinesOptions, RemoteHost, UploadOptions } from "../../src/remote";

/** Reply answers one command: output and exit code (0 by default). */
export interface Reply {
  stdout?: string;
  exitCode?: number;
}

type Answer = Reply | ((command: string) => Reply);

/** ScriptedHost replies to commands matching the first pattern that fits. */
export class ScriptedHost implements RemoteHost {
  readonly label = "root@scripted:22";
  readonly user = "root";
  readonly commands: string[] = [];
  private readonly script: Array<[RegExp, Answer]> = [];

  /** on answers commands matching pattern; later rules do not override earlier ones. */
  on(pattern: RegExp, answer: Answer): this {
    this.script.push([pattern, answer]);
    return this;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    this.commands.push(command);
    const rule = this.script.find(([pattern]) => pattern.test(command));
    if (!rule) return Promise.reject(new Error(`unscripted command: ${command}`));
    const reply = typeof rule[1] === "function" ? rule[1](command) : rule[1];
    const exitCode = reply.exitCode ?? 0;
    if (!(options.okExitCodes ?? [0]).includes(exitCode)) return Promise.reject(new RemoteError(`\`${options.label ?? command}\` failed on ${this.label} (exit ${exitCode})`));
    return Promise.resolve({ exitCode, stdout: reply.stdout ?? "", stderr: "" });
  }

  lines(_command: string, _options: LinesOptions): AsyncIterable<string> {
    throw new Error("not scripted");
  }

  upload(_data: string | Uint8Array, path: string, _options: UploadOptions): Promise<void> {
    this.commands.push(`upload ${path}`);
    return Promise.resolve();
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return this.exec(`cat ${path}`, { okExitCodes: [0, 66] }).then((r) => (r.exitCode === 66 ? undefined : Buffer.from(r.stdout)));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
