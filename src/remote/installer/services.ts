// Bringing the services in line with their files: enabled at boot, restarted only when
// something they read changed (or started when they are not running), and checked to stay
// up. A service that fails with its new files gets the old ones back, so a bad change
// leaves the host as it was, and the error says where to look.
import type { Clock } from "../../core/clock";
import { RemoteError } from "../../core/errors";
import { type Poll, waitFor } from "../../wait";
import type { Activated } from "./files";
import type { StepResult } from "./step";
import type { Target } from "./target";

/** ServiceChange is one unit and why it must restart (nothing: only ensure it runs). */
export interface ServiceChange {
  unit: string;
  /** e.g. "its configuration changed"; empty when nothing it reads changed. */
  reasons: string[];
  /** The files it reads that were replaced, to restore if it fails. */
  activations: Activated[];
}

/** SETTLE_TIMEOUT_MS is how long a restarted service gets to be running, and to stay so. */
const SETTLE_TIMEOUT_MS = 30_000;

/** settleServices enables, restarts and checks units; unitFilesChanged triggers a daemon-reload. */
export async function settleServices(target: Target, services: readonly ServiceChange[], unitFilesChanged: boolean, clock: Clock): Promise<StepResult> {
  const details: string[] = [];
  if (unitFilesChanged) {
    await target.act("systemctl daemon-reload", { label: "systemctl daemon-reload" });
    details.push("reloaded systemd's unit files");
  }
  for (const s of services) {
    const enabled = await target.run(target.systemctl("is-enabled", s.unit), { label: `systemctl is-enabled ${s.unit}`, okExitCodes: [0, 1] });
    if (enabled.stdout.trim() !== "enabled") {
      await target.run(target.systemctl("enable", s.unit), { label: `systemctl enable ${s.unit}` });
      details.push(`enabled ${s.unit} at boot`);
    }
    const reasons = s.reasons.length > 0 ? s.reasons : target.live && !(await isActive(target, s.unit)) ? ["it was not running"] : [];
    if (reasons.length === 0) continue;
    await restart(target, s, clock);
    details.push(`${target.live ? "restarted" : "would restart (root prefix)"} ${s.unit}: ${reasons.join(", ")}`);
  }
  for (const s of services) for (const a of s.activations) await a.finish();
  return { changed: details.length > 0, details: details.length > 0 ? details : ["every service is enabled and running"] };
}

async function restart(target: Target, s: ServiceChange, clock: Clock): Promise<void> {
  try {
    await target.act(`systemctl restart ${s.unit}`, { label: `systemctl restart ${s.unit}` });
    if (target.live) await waitUntilRunning(target, s.unit, clock);
  } catch (e) {
    if (s.activations.length === 0) throw e;
    await target.run(`journalctl -u ${s.unit} -n 20 --no-pager 2>&1 || true`, { label: `journalctl -u ${s.unit}` });
    for (const a of [...s.activations].reverse()) await a.rollback();
    await target.act("systemctl daemon-reload", { label: "systemctl daemon-reload" });
    await target.act(`systemctl restart ${s.unit}`, { label: `systemctl restart ${s.unit} (previous files)` }).catch(() => undefined);
    throw new RemoteError(`${s.unit} did not run with its new files on ${target.host.label}; the previous files were put back`, {
      cause: e,
      hint: `see journalctl -u ${s.unit} on the host (its last lines are in the run log), fix the cause, then run the command again`,
    });
  }
}

async function isActive(target: Target, unit: string): Promise<boolean> {
  const result = await target.run(`systemctl is-active ${unit}`, { label: `systemctl is-active ${unit}`, okExitCodes: [0, 1, 3, 4] });
  return result.stdout.trim() === "active";
}

interface UnitState {
  active: string;
  sub: string;
  restarts: string;
}

// A unit that crashes right after starting still made `systemctl restart` succeed, and
// Restart=on-failure brings it back for a moment: it counts as running only when it is
// active at two checks in a row with no restart in between.
async function waitUntilRunning(target: Target, unit: string, clock: Clock): Promise<void> {
  let previous: UnitState | undefined;
  await waitFor(
    async (): Promise<Poll<true>> => {
      const { stdout } = await target.run(`systemctl show -p ActiveState -p SubState -p NRestarts ${unit}`, { label: `systemctl show ${unit}`, logOutput: false });
      const state = parseShow(stdout);
      const steady = previous !== undefined && state.active === "active" && previous.active === "active" && state.restarts === previous.restarts;
      previous = state;
      if (steady) return { state: "success", value: true };
      if (state.active === "failed") return { state: "failure", reason: `${unit} failed` };
      return { state: "retry", seen: `${state.active} (${state.sub})` };
    },
    { what: `${unit} to run`, minDelayMs: 1_000, maxDelayMs: 2_000, timeoutMs: SETTLE_TIMEOUT_MS, clock },
  );
}

function parseShow(text: string): UnitState {
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(text)?.[1] ?? "";
  return { active: value("ActiveState"), sub: value("SubState"), restarts: value("NRestarts") };
}
