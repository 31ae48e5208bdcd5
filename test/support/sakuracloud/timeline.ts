// Asynchronous states advance in ticks: a disk copy is "migrating" for N ticks, a boot
// "down" for N ticks. A tick comes with every request (deterministic, and independent of
// the client's clock, which tests fake), on a timer, or only when a test calls tick().

export type TickMode = "request" | "manual" | { intervalMs: number };

interface Job {
  left: number;
  step?: (left: number) => void;
  done: () => void;
}

/** Timeline runs scheduled state changes as ticks pass. */
export class Timeline {
  private jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly mode: TickMode) {
    if (typeof mode === "object") {
      this.timer = setInterval(() => this.tick(), mode.intervalMs);
      this.timer.unref();
    }
  }

  /** after runs done once `ticks` ticks have passed (at once for 0), and step on each tick before. */
  after(ticks: number, done: () => void, step?: (left: number) => void): void {
    if (ticks <= 0) return done();
    this.jobs.push({ left: ticks, step, done });
  }

  /** tick advances every job by n ticks. */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) {
      const due: Job[] = [];
      for (const job of this.jobs) {
        job.left--;
        if (job.left <= 0) due.push(job);
        else job.step?.(job.left);
      }
      this.jobs = this.jobs.filter((j) => j.left > 0);
      for (const job of due) job.done();
    }
  }

  /** onRequest is called for every request; it ticks in "request" mode. */
  onRequest(): void {
    if (this.mode === "request") this.tick();
  }

  get pending(): number {
    return this.jobs.length;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
