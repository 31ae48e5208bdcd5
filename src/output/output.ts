// Output: the only code that writes to stdout and stderr. Data goes to stdout (once,
// as a table, JSON or YAML); progress, warnings and errors go to stderr; every line
// also goes to the run log. Everything passes through the redactor.
import type { Clock } from "../core/clock";
import { ConfigError, type PxeError, formatProblem } from "../core/errors";
import { Redactor } from "./redact";
import { type Style, plainStyle } from "./style";

export type OutputMode = "table" | "json" | "yaml";
export const OUTPUT_MODES: readonly OutputMode[] = ["table", "json", "yaml"];

/** Sink is the part of a stream Output writes to. */
export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Render turns a result into human text for table mode. */
export type Render<T> = (value: T, style: Style) => string;

/** StepHandle lets running work update its progress text. */
export interface StepHandle {
  update(text: string): void;
}

/** Output is the whole interface commands use to talk to the user. */
export interface Output {
  readonly mode: OutputMode;
  readonly style: Style;
  readonly redactor: Redactor;
  /** result prints a command's value on stdout; called once, by cli/main. */
  result<T>(value: T, render?: Render<T>): void;
  /** event prints one item of a stream (JSON lines in json mode). */
  event<T extends object>(value: T, render?: Render<T>): void;
  info(message: string): void;
  warn(message: string): void;
  verbose(message: string): void;
  /** step runs work under a spinner on a TTY, or between two plain lines otherwise. */
  step<T>(label: string, work: (handle: StepHandle) => Promise<T>): Promise<T>;
  /** failure prints an error: one line plus a hint, or a JSON object in json mode. */
  failure(err: PxeError, options: { verbose: boolean }): void;
  /** logOnly writes a line to the run log and nowhere else (e.g. remote command output). */
  logOnly(line: string): void;
  attachLog(write: (line: string) => void): void;
  /** live is stdout as a screen to redraw (a live table), only on a terminal in table mode. */
  live(): LiveScreen | undefined;
}

/** LiveScreen is a terminal a view redraws in place. */
export interface LiveScreen {
  write(chunk: string): unknown;
  columns?: number;
  rows?: number;
}

export interface OutputOptions {
  mode: OutputMode;
  stdout: Sink;
  stderr: Sink;
  /** Styles for stdout and stderr (see loadStyle); plain when absent. */
  styleStdout?: Style;
  styleStderr?: Style;
  quiet: boolean;
  verbose: boolean;
  clock: Clock;
  redactor?: Redactor;
  /** yaml stringify, loaded by the caller when mode is yaml (keeps start-up lean). */
  yamlStringify?: (value: unknown) => string;
}

// off a terminal a long wait prints a line this often: a CI log shows it is alive, without flooding it
const NON_TTY_PROGRESS_INTERVAL_MS = 30_000;

interface Spinner {
  text: string;
  start(): Spinner;
  stop(): Spinner;
  clear(): Spinner;
  render(): Spinner;
  succeed(text?: string): Spinner;
  fail(text?: string): Spinner;
}

/** createOutput builds the Output for one run. */
export function createOutput(o: OutputOptions): Output {
  return new StreamOutput(o);
}

class StreamOutput implements Output {
  readonly mode: OutputMode;
  readonly style: Style;
  readonly redactor: Redactor;
  private readonly errStyle: Style;
  private readonly logWriters: Array<(line: string) => void> = [];
  private readonly pendingLog: string[] = [];
  private spinner: Spinner | undefined;

  constructor(private readonly o: OutputOptions) {
    this.mode = o.mode;
    this.style = o.mode === "table" ? (o.styleStdout ?? plainStyle) : plainStyle;
    this.errStyle = o.styleStderr ?? plainStyle;
    this.redactor = o.redactor ?? new Redactor();
  }

  private get spinners(): boolean {
    return Boolean(this.o.stderr.isTTY) && this.mode === "table" && !this.o.quiet && (this.o.stderr.columns ?? 0) > 0;
  }

  private out(text: string): void {
    this.o.stdout.write(this.redactor.redact(text, { keepKeys: true }));
  }

  private err(text: string): void {
    const safe = this.redactor.redact(text);
    if (this.spinner) {
      this.spinner.clear();
      this.o.stderr.write(safe);
      this.spinner.render();
    } else {
      this.o.stderr.write(safe);
    }
  }

  private log(level: string, message: string): void {
    const line = `${new Date(this.o.clock.now()).toISOString()} ${level} ${this.redactor.redact(message)}`;
    if (this.logWriters.length === 0) {
      this.pendingLog.push(line);
      return;
    }
    for (const w of this.logWriters) w(line);
  }

  attachLog(write: (line: string) => void): void {
    this.logWriters.push(write);
    for (const line of this.pendingLog.splice(0)) write(line);
  }

  live(): LiveScreen | undefined {
    const stdout = this.o.stdout as Sink & { rows?: number };
    if (this.mode !== "table" || !stdout.isTTY) return undefined;
    // a terminal that reports no size (0 columns, e.g. under script(1)) gets the classic 80x24
    return { write: (chunk: string) => this.out(chunk), columns: stdout.columns || 80, rows: stdout.rows || 24 };
  }

  logOnly(line: string): void {
    this.log("remote", line);
  }

  private serialize(value: unknown): string {
    if (this.mode === "yaml") {
      if (!this.o.yamlStringify) throw new Error("yaml output was not prepared");
      return this.o.yamlStringify(value);
    }
    return JSON.stringify(value, null, 2) + "\n";
  }

  result<T>(value: T, render?: Render<T>): void {
    if (this.mode === "table" && render) {
      const text = render(value, this.style);
      if (text !== "") this.out(text.endsWith("\n") ? text : text + "\n");
      return;
    }
    if (this.mode === "table" && value === undefined) return;
    this.out(this.serialize(value));
  }

  event<T extends object>(value: T, render?: Render<T>): void {
    if (this.mode === "json") {
      this.out(JSON.stringify(value) + "\n");
    } else if (this.mode === "yaml") {
      this.out("---\n" + this.serialize(value));
    } else {
      this.out((render ? render(value, this.style) : JSON.stringify(value)) + "\n");
    }
    this.log("event", JSON.stringify(value));
  }

  info(message: string): void {
    this.log("info", message);
    if (!this.o.quiet) this.err(message + "\n");
  }

  warn(message: string): void {
    this.log("warn", message);
    this.err(`${this.errStyle.yellow("warning:")} ${message}\n`);
  }

  verbose(message: string): void {
    this.log("debug", message);
    if (this.o.verbose) this.err(this.errStyle.dim(message) + "\n");
  }

  async step<T>(label: string, work: (handle: StepHandle) => Promise<T>): Promise<T> {
    const started = this.o.clock.now();
    const seconds = () => ((this.o.clock.now() - started) / 1000).toFixed(1);
    this.log("step", `${label} ...`);
    if (this.spinners && !this.spinner) {
      const { default: ora } = await import("ora");
      const spinner = ora({ text: label, stream: this.o.stderr as NodeJS.WritableStream, discardStdin: false }).start() as Spinner;
      this.spinner = spinner;
      try {
        const value = await work({ update: (t) => (spinner.text = `${label} ${this.errStyle.dim(this.redactor.redact(t))}`) });
        this.spinner = undefined;
        spinner.succeed(`${label} ${this.errStyle.dim(`(${seconds()}s)`)}`);
        this.log("step", `${label}: done in ${seconds()}s`);
        return value;
      } catch (e) {
        this.spinner = undefined;
        spinner.fail(label);
        this.log("step", `${label}: failed after ${seconds()}s`);
        throw e;
      }
    }
    if (!this.o.quiet) this.err(`${label} ...\n`);
    let lastPrinted = started;
    let lastText = "";
    const handle: StepHandle = {
      update: (text) => {
        this.log("progress", `${label}: ${text}`);
        const now = this.o.clock.now();
        if (text !== lastText && now - lastPrinted >= NON_TTY_PROGRESS_INTERVAL_MS && !this.o.quiet) {
          this.err(`  ${label}: ${text}\n`);
          lastPrinted = now;
        }
        lastText = text;
      },
    };
    try {
      const value = await work(handle);
      this.log("step", `${label}: done in ${seconds()}s`);
      if (!this.o.quiet) this.err(`${this.errStyle.green("✓")} ${label} (${seconds()}s)\n`);
      return value;
    } catch (e) {
      this.log("step", `${label}: failed after ${seconds()}s`);
      if (!this.o.quiet) this.err(`${this.errStyle.red("✗")} ${label}\n`);
      throw e;
    }
  }

  failure(err: PxeError, { verbose }: { verbose: boolean }): void {
    const problems = err instanceof ConfigError ? err.problems : [];
    this.log("error", `${err.code}: ${err.message}${err.hint ? ` (hint: ${err.hint})` : ""}`);
    if (this.spinner) {
      this.spinner.stop();
      this.spinner = undefined;
    }
    if (this.mode !== "table") {
      const error: Record<string, unknown> = { code: err.code, message: err.message, hint: err.hint ?? null };
      if (problems.length > 1) error.problems = problems.map(formatProblem);
      this.err(JSON.stringify({ error }) + "\n");
      return;
    }
    const s = this.errStyle;
    const lines =
      problems.length > 1
        ? [`${s.red("error:")} ${problems.length} problems`, ...problems.map((p) => `  ${formatProblem(p)}`)]
        : [`${s.red("error:")} ${err.message}`];
    if (err.hint) lines.push(`${s.dim("hint:")} ${err.hint}`);
    if (verbose) lines.push(s.dim(describeCauses(err)));
    this.err(lines.join("\n") + "\n");
  }
}

function describeCauses(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error) {
      parts.push(depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`);
      current = current.cause;
    } else {
      parts.push(`caused by: ${typeof current === "string" ? current : JSON.stringify(current)}`);
      break;
    }
  }
  return parts.join("\n");
}
