// Health checks as a small dependency graph: every check starts at once and waits only for
// the checks it needs; one whose need did not pass is skipped with the reason, and each
// has its own deadline. A thrown PxeError becomes a failure with the error's hint.
import { TimeoutError } from "../core/errors";

/** CheckStatus: warn passes with a caveat (exit 0); skip did not run. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** CheckResult is one line of pxectl status. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
}

/** CheckOutcome is what a check returns; it fails by throwing (or by returning fail). */
export interface CheckOutcome {
  status: CheckStatus;
  detail: string;
  hint?: string;
}

/** Check is one named check and the checks whose pass it relies on. */
export interface Check {
  name: string;
  needs?: readonly string[];
  /** Default DEFAULT_CHECK_TIMEOUT_MS. */
  timeoutMs?: number;
  run(signal: AbortSignal): Promise<CheckOutcome>;
}

/** DEFAULT_CHECK_TIMEOUT_MS bounds a check: each is one or a few round trips. */
export const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

/** passed says whether dependents may rely on a result. */
export const passed = (r: CheckResult): boolean => r.status === "pass" || r.status === "warn";

function failureOf(name: string, e: unknown): CheckResult {
  const hint = e instanceof Error && "hint" in e && typeof e.hint === "string" ? e.hint : undefined;
  return { name, status: "fail", detail: e instanceof Error ? e.message : String(e), ...(hint ? { hint } : {}) };
}

async function withDeadline(check: Check, parent: AbortSignal): Promise<CheckOutcome> {
  const ms = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(ms);
  const signal = AbortSignal.any([parent, deadline]);
  let onAbort = () => {};
  const expired = new Promise<never>((_, reject) => {
    const interrupted = () => (parent.reason instanceof Error ? parent.reason : new Error("interrupted"));
    onAbort = () => reject(deadline.aborted ? new TimeoutError(`no answer within ${ms / 1000}s`, { hint: "the network, or what this check asks, is slow or down: run pxectl status again" }) : interrupted());
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([check.run(signal), expired]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** runChecks runs every check as soon as its needs are known, results in the checks' order. */
export async function runChecks(checks: readonly Check[], signal: AbortSignal): Promise<CheckResult[]> {
  const results = new Map<string, Promise<CheckResult>>();
  // the failed check behind each skip, so a chain of skips names its root cause
  const causes = new Map<string, string>();
  const resultOf = (name: string) => {
    const r = results.get(name);
    if (!r) throw new Error(`internal: check ${name} is needed before it is declared`);
    return r;
  };
  for (const check of checks) {
    const needs = (check.needs ?? []).map(resultOf);
    results.set(
      check.name,
      (async (): Promise<CheckResult> => {
        const blocked = (await Promise.all(needs)).find((r) => !passed(r));
        if (blocked) {
          const cause = causes.get(blocked.name) ?? (blocked.status === "fail" ? blocked.name : undefined);
          if (cause) causes.set(check.name, cause);
          const detail = !cause ? `needs ${blocked.name}, which was skipped` : cause === blocked.name ? `needs ${cause}, which failed` : `needs ${blocked.name} (${cause} failed)`;
          return { name: check.name, status: "skip", detail };
        }
        try {
          return { name: check.name, ...(await withDeadline(check, signal)) };
        } catch (e) {
          signal.throwIfAborted(); // Ctrl-C ends the command, it is not a failed check
          return failureOf(check.name, e);
        }
      })(),
    );
  }
  return Promise.all(checks.map((c) => resultOf(c.name)));
}
