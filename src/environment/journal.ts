// The step journal: every step of init and destroy is recorded in state before and
// after it runs. Steps are idempotent (each checks before it changes), so a run that
// was interrupted or failed is resumed by running the same command again.
import type { Clock } from "../core/clock";
import type { StateStore } from "../config/state";
import type { Output } from "../output/output";

/** StepOutcome says whether a step changed anything, and what it found. */
export interface StepOutcome {
  changed: boolean;
  detail?: string;
}

/** Step is one idempotent unit of work. */
export interface Step<C> {
  id: string;
  title: string;
  /** skip returns a reason when the step does not apply to this environment. */
  skip?(c: C): string | undefined;
  run(c: C, progress: (text: string) => void): Promise<StepOutcome>;
}

export interface StepReport {
  id: string;
  title: string;
  status: "done" | "skipped";
  changed: boolean;
  detail?: string;
  seconds: number;
}

export interface JournalDeps {
  store: StateStore;
  out: Output;
  clock: Clock;
  signal: AbortSignal;
}

/** previousFailure describes where an earlier run of this journal stopped, if it did. */
export function previousFailure(store: StateStore, journal: string): { step: string; error?: string } | undefined {
  for (const [key, record] of Object.entries(store.state.steps)) {
    if (key.startsWith(`${journal}/`) && record.status !== "done") return { step: key.slice(journal.length + 1), error: record.error };
  }
  return undefined;
}

/** runJournal runs the steps in order, recording each; the first failure stops the run. */
export async function runJournal<C>(journal: string, steps: readonly Step<C>[], c: C, d: JournalDeps): Promise<StepReport[]> {
  const resumed = previousFailure(d.store, journal);
  if (resumed) d.out.info(`resuming ${journal}: the last run stopped at "${resumed.step}"${resumed.error ? ` (${resumed.error})` : ""}`);
  const reports: StepReport[] = [];
  for (const step of steps) {
    d.signal.throwIfAborted();
    const key = `${journal}/${step.id}`;
    const reason = step.skip?.(c);
    if (reason !== undefined) {
      reports.push({ id: step.id, title: step.title, status: "skipped", changed: false, detail: reason, seconds: 0 });
      continue;
    }
    const started = d.clock.now();
    await d.store.update((s) => {
      s.steps[key] = { status: "running", started_at: new Date(started).toISOString() };
    });
    try {
      const outcome = await d.out.step(step.title, (h) => step.run(c, (t) => h.update(t)));
      const finished = d.clock.now();
      await d.store.update((s) => {
        s.steps[key] = { status: "done", started_at: new Date(started).toISOString(), finished_at: new Date(finished).toISOString(), changed: outcome.changed };
      });
      reports.push({ id: step.id, title: step.title, status: "done", changed: outcome.changed, detail: outcome.detail, seconds: (finished - started) / 1000 });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await d.store.update((s) => {
        s.steps[key] = { status: "failed", started_at: new Date(started).toISOString(), finished_at: new Date(d.clock.now()).toISOString(), error: message };
      });
      throw e;
    }
  }
  return reports;
}

/** bindSteps fixes the context of steps, so phases with different contexts share one journal. */
export function bindSteps<C>(steps: readonly Step<C>[], c: C): Step<void>[] {
  return steps.map((s) => ({ id: s.id, title: s.title, skip: s.skip && (() => s.skip!(c)), run: (_: void, progress) => s.run(c, progress) }));
}

/** clearJournal forgets a journal's records (after destroy, or before a fresh init). */
export async function clearJournal(store: StateStore, journal: string): Promise<void> {
  await store.update((s) => {
    for (const key of Object.keys(s.steps)) if (key.startsWith(`${journal}/`)) delete s.steps[key];
  });
}
