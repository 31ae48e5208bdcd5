// What every installer step reports.

/** StepResult says whether a step changed the host, and what it did or found. */
export interface StepResult {
  changed: boolean;
  /** One line each, e.g. "installed matchbox v0.11.0 from ...", "dnsmasq.conf is up to date". */
  details: string[];
}
