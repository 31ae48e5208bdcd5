// RemoteHost over SSH: one connection at a time, reopened when it drops, with commands
// supervised (killed on timeout or cancel), run as root through sudo when needed, logged
// line by line into the run log, and retried after a drop when they are safe to repeat.
import { type Clock, systemClock } from "../core/clock";
import { RemoteError, TimeoutError } from "../core/errors";
import { RetriesExhaustedError, fullJitterBackoff, retry } from "../retry";
import { formatDuration } from "../wait";
import { type ChannelOutcome, runChannel } from "./channel";
import type { ConnectOptions } from "./connect";
import { ConnectionDroppedError, DEFAULT_MISMATCH_HINT, classifySsh, connectFailure } from "./errors";
import type { ExecOptions, ExecResult, LinesOptions, RemoteHost, UploadOptions } from "./host";
import { streamLines } from "./line-stream";
import { asRoot, quote, supervised } from "./shell";
import { authMethods } from "./ssh-auth";
import { Session } from "./ssh-session";
import { uploadAtomically } from "./upload";

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_READY_TIMEOUT_MS = 20_000;
const KEEPALIVE_MS = 15_000;
// A run killed mid-session cannot remove its staging folder: the next run removes this
// user's folders older than an hour (a live run's folder is younger), then makes its own.
const STAGING_COMMAND =
  'find "${TMPDIR:-/tmp}" -maxdepth 1 -user "$(id -u)" -name "pxectl-staging.*" -mmin +60 -exec rm -rf {} + 2>/dev/null; mktemp -d -t pxectl-staging.XXXXXXXX';

/** RunRequest is one command as SshHost runs it, after the public options are resolved. */
interface RunRequest {
  command: string;
  label: string;
  asRoot: boolean;
  timeoutMs: number;
  idempotent: boolean;
  logOutput: boolean;
  signal: AbortSignal | undefined;
}

/** SshHost is the RemoteHost implementation over ssh2. */
export class SshHost implements RemoteHost {
  readonly label: string;
  readonly user: string;
  private readonly clock: Clock;
  private pinned: string | undefined;
  private current: Session | undefined;
  private opening: Promise<Session> | undefined;
  private closed = false;
  private staging: Promise<string> | undefined;

  private constructor(private readonly o: ConnectOptions) {
    this.user = o.user;
    this.label = `${o.user}@${o.host}:${o.port ?? 22}`;
    this.clock = o.clock ?? systemClock;
    this.pinned = "pinned" in o.hostKey ? o.hostKey.pinned : undefined;
  }

  /** connect opens the first connection, so a bad key or host fails here, not at the first command. */
  static async connect(o: ConnectOptions): Promise<SshHost> {
    const host = new SshHost(o);
    await host.session();
    return host;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const request = this.request(command, options);
    const outcome = await this.run(request);
    const ok = options.okExitCodes ?? [0];
    if (outcome.exitCode === null || !ok.includes(outcome.exitCode)) throw this.commandFailure(request, outcome);
    return { exitCode: outcome.exitCode, stdout: outcome.stdout.toString("utf8"), stderr: outcome.stderr };
  }

  lines(command: string, options: LinesOptions): AsyncIterable<string> {
    const request = this.request(command, { ...options, timeoutMs: Number.POSITIVE_INFINITY, logOutput: false });
    return streamLines(options.signal, async (onLine, signal) => {
      const outcome = await this.runOnce({ ...request, signal }, onLine);
      if (signal.aborted) return;
      if (outcome.exitCode !== 0) throw this.commandFailure(request, outcome);
    });
  }

  /**
   * upload writes a file atomically, the whole of it again on a new connection after a drop:
   * each attempt starts from a fresh temporary name and ends in one rename, so repeating is
   * safe where repeating only the last command (the rename, done already) would not be.
   */
  async upload(data: string | Uint8Array, path: string, options: UploadOptions): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    try {
      await retry(() => this.uploadOnce(bytes, path, options), {
        classify: (e) => classifySsh(e, true),
        clock: this.clock,
        maxAttempts: this.o.commandAttempts ?? 3,
        backoff: fullJitterBackoff({ baseMs: 500, capMs: 5_000 }),
        onRetry: (r) => this.o.log(`${this.label}: connection dropped while uploading ${path}; uploading it again on a new connection in ${formatDuration(r.delayMs)}`),
      });
    } catch (e) {
      const dropped = e instanceof RetriesExhaustedError ? e.lastError : e;
      if (dropped instanceof ConnectionDroppedError) {
        throw new RemoteError(`the connection to ${this.label} dropped while uploading ${path}`, { cause: e, hint: "check the network to the host, then run the command again" });
      }
      throw e;
    }
    this.o.log(`${this.label}: uploaded ${path} (${bytes.length} bytes, mode ${options.mode.toString(8).padStart(4, "0")})`);
  }

  private async uploadOnce(bytes: Uint8Array, path: string, options: UploadOptions): Promise<void> {
    const session = await this.session();
    // the install script runs once per attempt (a drop fails the attempt, and the next starts
    // over); the cleanup of a partial file is safe to repeat and may need a new connection
    const execOnce = async (command: string, o: ExecOptions) => {
      if (o.idempotent) return this.exec(command, o);
      if (session.closed) throw new ConnectionDroppedError(this.label, false);
      const request = this.request(command, o);
      const outcome = await this.runOnce(request);
      if (outcome.exitCode !== 0) throw this.commandFailure(request, outcome);
      return { exitCode: 0, stdout: outcome.stdout.toString("utf8"), stderr: outcome.stderr };
    };
    await uploadAtomically(
      {
        user: this.user,
        sftp: () => session.sftp(),
        // SFTP requests on a dead connection are never answered: a drop fails the attempt at once
        onConnectionLost: (listener) => session.onClose(() => listener(new ConnectionDroppedError(this.label, true))),
        exec: execOnce,
        stagingFolder: () => (this.staging ??= this.exec(STAGING_COMMAND, { label: "mktemp -d", idempotent: true }).then((r) => r.stdout.trim())),
      },
      bytes,
      path,
      options,
    );
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const command = `if [ -e ${quote(path)} ]; then exec cat -- ${quote(path)}; else exit 66; fi`;
    const request = this.request(command, { asRoot: true, idempotent: true, logOutput: false, label: `read ${path}` });
    const outcome = await this.run(request);
    if (outcome.exitCode === 66) return undefined;
    if (outcome.exitCode !== 0) throw this.commandFailure(request, outcome);
    return outcome.stdout;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const staging = this.staging && (await this.staging.catch(() => undefined));
    if (staging && this.current && !this.current.closed) await this.exec(`rm -rf -- ${quote(staging)}`, { label: `remove ${staging}` }).catch(() => undefined);
    this.closed = true;
    this.current?.end();
    this.current = undefined;
  }

  private request(command: string, o: ExecOptions): RunRequest {
    return {
      command,
      label: o.label ?? labelOf(command),
      asRoot: o.asRoot ?? false,
      timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      idempotent: o.idempotent ?? false,
      logOutput: o.logOutput ?? true,
      signal: o.signal,
    };
  }

  /** run runs a command, on a new connection after a drop when that is safe. */
  private async run(request: RunRequest): Promise<ChannelOutcome> {
    try {
      return await retry(() => this.runOnce(request), {
        classify: (e) => classifySsh(e, request.idempotent),
        clock: this.clock,
        maxAttempts: this.o.commandAttempts ?? 3,
        backoff: fullJitterBackoff({ baseMs: 500, capMs: 5_000 }),
        signal: request.signal,
        onRetry: (r) => this.o.log(`${this.label}: connection dropped during \`${request.label}\`; running it again on a new connection in ${formatDuration(r.delayMs)}`),
      });
    } catch (e) {
      const dropped = e instanceof RetriesExhaustedError ? e.lastError : e;
      if (dropped instanceof ConnectionDroppedError) {
        const attempts = e instanceof RetriesExhaustedError ? ` (${e.attempts} attempts)` : "";
        throw new RemoteError(`the connection to ${this.label} dropped while running \`${request.label}\`${attempts}`, {
          cause: e,
          hint: request.idempotent ? "check the network to the host, then run the command again" : "it may have partly run; pxectl's steps are safe to repeat, so run the command again",
        });
      }
      throw e;
    }
  }

  private async runOnce(request: RunRequest, onLine?: (line: string) => void): Promise<ChannelOutcome> {
    const session = await this.session();
    const command = supervised(request.command);
    const started = this.clock.now();
    if (request.logOutput || onLine) this.o.log(`${this.label} $ ${request.label}${request.asRoot && this.user !== "root" ? " (sudo)" : ""}`);
    const channel = await session.exec(request.asRoot ? asRoot(command, this.user) : command);
    const outcome = await runChannel(channel, {
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      target: this.label,
      onConnectionLost: (listener) => session.onClose(listener),
      onStdoutLine: onLine ?? (request.logOutput ? (line) => this.o.log(`  | ${line}`) : undefined),
      onStderrLine: (line) => this.o.log(`  ! ${line}`),
    });
    if (request.logOutput) this.o.log(`  exit ${outcome.exitCode ?? outcome.exitSignal ?? "?"} after ${formatDuration(this.clock.now() - started)}`);
    if (outcome.aborted && request.signal && !onLine) throw request.signal.reason;
    if (outcome.timedOut) {
      throw new TimeoutError(`\`${request.label}\` did not finish on ${this.label} within ${formatDuration(request.timeoutMs)}; it was stopped`, {
        hint: "check the host's load and network (the command's output is in the run log), then run the command again",
      });
    }
    return outcome;
  }

  private commandFailure(request: RunRequest, outcome: ChannelOutcome): RemoteError {
    const status = outcome.exitCode === null ? `killed by ${outcome.exitSignal ?? "a signal"}` : `exit ${outcome.exitCode}`;
    const stderr = outcome.stderrTail.join(" | ");
    const sudo = sudoProblem(outcome.stderrTail);
    if (request.asRoot && sudo) {
      return new RemoteError(`sudo on ${this.label} refused \`${request.label}\`: ${sudo}`, {
        hint: `let ${this.user} run sudo without a password (a NOPASSWD line in /etc/sudoers.d/), or log in as root`,
      });
    }
    return new RemoteError(`\`${request.label}\` failed on ${this.label} (${status})${stderr ? `: ${truncate(stderr, 400)}` : ""}`, {
      hint: "the command's full output is in the run log (.pxectl/logs/)",
    });
  }

  /** session returns the open connection, opening one (with retries) when there is none. */
  private session(): Promise<Session> {
    if (this.closed) return Promise.reject(new RemoteError(`the connection to ${this.label} was closed`, { hint: "this is a bug in pxectl: please report it" }));
    if (this.current && !this.current.closed) return Promise.resolve(this.current);
    this.opening ??= this.openWithRetries().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openWithRetries(): Promise<Session> {
    const auth = await authMethods(this.o.credentials, this.o.user);
    const port = this.o.port ?? 22;
    try {
      this.current = await retry(
        () =>
          Session.open({
            host: this.o.host,
            port,
            username: this.o.user,
            auth,
            hostKey: { pinned: this.pinned, mismatchHint: this.o.hostKey.mismatchHint ?? DEFAULT_MISMATCH_HINT },
            readyTimeoutMs: this.o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
            keepaliveMs: KEEPALIVE_MS,
          }),
        {
          classify: (e) => classifySsh(e, false),
          clock: this.clock,
          maxAttempts: this.o.connectAttempts ?? 3,
          backoff: fullJitterBackoff({ baseMs: 1_000, capMs: 10_000 }),
          onRetry: (r) => this.o.log(`${this.label}: connection attempt ${r.attempt} failed (${describe(r.error)}); trying again in ${formatDuration(r.delayMs)}`),
        },
      );
    } catch (e) {
      const last = e instanceof RetriesExhaustedError ? e.lastError : e;
      throw connectFailure(last, `${this.o.host}:${port}`, this.o.user, e instanceof RetriesExhaustedError ? e.attempts : 1);
    }
    await this.recordFirstUse(this.current);
    this.o.log(`${this.label}: connected; host key ${this.current.hostKey.fingerprint} (${this.current.hostKey.keyType})`);
    return this.current;
  }

  // Trust on first use: the first key seen is pinned for every later connection, and
  // handed to the caller to record, before any command runs on the host.
  private async recordFirstUse(session: Session): Promise<void> {
    if (this.pinned !== undefined || !("onFirstUse" in this.o.hostKey)) return;
    try {
      await this.o.hostKey.onFirstUse(session.hostKey);
    } catch (e) {
      session.end();
      this.current = undefined;
      throw e;
    }
    this.pinned = session.hostKey.fingerprint;
  }
}

// Messages are one line: a script without a label is named by its first line.
function labelOf(command: string): string {
  const first = command.trim().split("\n")[0]!;
  return first.length > 80 || first !== command.trim() ? `${first.slice(0, 77)}...` : first;
}

function sudoProblem(stderrTail: readonly string[]): string | undefined {
  const line = stderrTail.find((l) => /^sudo: /.test(l) && /password is required|not in the sudoers|not allowed to execute|no tty present/.test(l));
  return line?.replace(/^sudo: /, "");
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return e?.code ?? e?.message ?? String(error);
}
