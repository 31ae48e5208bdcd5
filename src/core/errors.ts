// Errors: one class per cause, each with a stable exit code and JSON code. The
// README's exit-code table is generated from EXIT_CODES, so the two cannot drift.

/** EXIT_CODES lists every exit code pxectl uses, with its JSON code and meaning. */
export const EXIT_CODES = [
  { exitCode: 0, code: "ok", meaning: "success" },
  { exitCode: 1, code: "failed", meaning: "the command ran but what it checks or waits for failed (status checks, watched nodes)" },
  { exitCode: 2, code: "usage", meaning: "bad flags or arguments, or a missing answer in non-interactive mode" },
  { exitCode: 3, code: "invalid_config", meaning: "pxectl.yaml, a profile directory, a template or a Butane/Ignition config is invalid" },
  { exitCode: 4, code: "cloud_api", meaning: "the SakuraCloud API refused or failed a request" },
  { exitCode: 5, code: "remote", meaning: "SSH to the matchbox host failed, or a remote step failed" },
  { exitCode: 6, code: "matchbox", meaning: "the matchbox gRPC API refused or failed a request" },
  { exitCode: 7, code: "timeout", meaning: "a wait or a deadline ran out" },
  { exitCode: 8, code: "locked", meaning: "another pxectl run holds the project's lock" },
  { exitCode: 9, code: "invalid_state", meaning: "the state folder .pxectl/ is unreadable, corrupt or from a newer pxectl" },
  { exitCode: 10, code: "not_found", meaning: "a named node, profile, group or resource does not exist" },
  { exitCode: 11, code: "certificate", meaning: "a certificate or key is missing, invalid, expired or from another CA" },
  { exitCode: 12, code: "declined", meaning: "the user answered no to a confirmation" },
  { exitCode: 13, code: "lab", meaning: "the boot lab cannot run here (not root, a program missing) or one of its programs failed" },
  { exitCode: 70, code: "internal", meaning: "a bug in pxectl: run again with --verbose and report the stack trace" },
  { exitCode: 130, code: "interrupted", meaning: "interrupted by Ctrl-C (SIGINT) or SIGTERM; state is saved, re-run to resume" },
] as const;

export type ErrorCode = (typeof EXIT_CODES)[number]["code"];

function exitCodeOf(code: ErrorCode): number {
  return EXIT_CODES.find((e) => e.code === code)?.exitCode ?? 70;
}

export interface PxeErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** PxeError is the base of every error pxectl expects; anything else is a bug (exit 70). */
export abstract class PxeError extends Error {
  abstract readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(message: string, options: PxeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }

  get exitCode(): number {
    return exitCodeOf(this.code);
  }
}

/** FailedError reports a command whose checks or watched targets failed. */
export class FailedError extends PxeError {
  readonly code = "failed";
}

/** UsageError reports a bad flag, argument or missing answer. */
export class UsageError extends PxeError {
  readonly code = "usage";
}

/** ConfigProblem is one located problem in a config file. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path, e.g. "sakuracloud.zone" or "storage.files[2].mode". */
  path?: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const at = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return p.path ? `${at}: ${p.path}: ${p.message}` : `${at}: ${p.message}`;
}

/** ConfigError reports invalid user input files, every problem located. */
export class ConfigError extends PxeError {
  readonly code = "invalid_config";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[], options: PxeErrorOptions = {}) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    super(first ? formatProblem(first) + more : "invalid configuration", options);
    this.problems = problems;
  }
}

/** CloudApiError reports a failed SakuraCloud API call. */
export class CloudApiError extends PxeError {
  readonly code = "cloud_api";
  readonly status: number | undefined;
  readonly apiErrorCode: string | undefined;

  constructor(message: string, options: PxeErrorOptions & { status?: number; apiErrorCode?: string } = {}) {
    super(message, options);
    this.status = options.status;
    this.apiErrorCode = options.apiErrorCode;
  }
}

/** RemoteError reports a failed SSH connection or remote step. */
export class RemoteError extends PxeError {
  readonly code = "remote";
}

/** LabError reports a boot lab that cannot run here, or a lab program that failed. */
export class LabError extends PxeError {
  readonly code = "lab";
}

/** MatchboxError reports a failed matchbox gRPC call. */
export class MatchboxError extends PxeError {
  readonly code = "matchbox";
}

/** TimeoutError reports a wait or deadline that ran out. */
export class TimeoutError extends PxeError {
  readonly code = "timeout";
}

/** LockedError reports that another run holds the project's lock. */
export class LockedError extends PxeError {
  readonly code = "locked";
}

/** StateError reports an unreadable, corrupt or too-new state folder. */
export class StateError extends PxeError {
  readonly code = "invalid_state";
}

/** NotFoundError reports a named object that does not exist. */
export class NotFoundError extends PxeError {
  readonly code = "not_found";
}

/** CertificateError reports a missing, invalid, expired or foreign certificate. */
export class CertificateError extends PxeError {
  readonly code = "certificate";
}

/** DeclinedError reports a confirmation the user answered with no. */
export class DeclinedError extends PxeError {
  readonly code = "declined";
}

/** InterruptedError reports Ctrl-C or SIGTERM. */
export class InterruptedError extends PxeError {
  readonly code = "interrupted";
}

/** InternalError wraps anything unexpected: a bug. */
export class InternalError extends PxeError {
  readonly code = "internal";
}

/** toPxeError classifies any thrown value; unknown errors become InternalError. */
export function toPxeError(err: unknown): PxeError {
  if (err instanceof PxeError) return err;
  if (err instanceof Error && err.name === "AbortError") {
    return new InterruptedError("interrupted", { cause: err, hint: "state is saved; run the same command again to resume" });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(message, { cause: err, hint: "this is a bug in pxectl: run again with --verbose and report the output" });
}
