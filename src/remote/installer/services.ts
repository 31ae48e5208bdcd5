// Bringing the services in line with their files: enabled at boot, restarted only when
// something they read changed (or started when they are not running), and checked to stay
// up. A service that fails with its new files gets the old ones back, so a bad change
// leaves the host as it was, and the error says where to look. The old versions are
// dropped only once the service runs with the new ones.
import type { Clock } from "../../core/clock";
import { RemoteError } from "../../core/errors";
import { type Poll, waitFor } from "../../wait";
import { posix } from "node:path";
import { activation } from "./files";
import type { StepResult } from "./step";
import type { Target } from "./target";

/** ServiceChange is one unit and the files it reads that are new since it last ran. */
export interface ServiceChange {
  unit: string;
  /** Target paths; empty when nothing it reads changed (then it only has to be running). */
  changedFiles: readonly string[];
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
    const reason = s.changedFiles.length > 0 ? `new ${s.changedFiles.map((f) => posix.basename(f)).join(", ")}` : target.live && !(await isActive(target, s.unit)) ? "it was not running" : undefined;
    if (reason === undefined) continue;
    await restart(target, s, clock);
    details.push(`${target.live ? "restarted" : "would restart (root prefix)"} ${s.unit}: ${reason}`);
  }
  for (const s of services) if (s.changedFiles.length > 0) await activation(target, s.changedFiles).finish();
  return { changed: details.length > 0, details: details.length > 0 ? details : ["every service is enabled and running"] };
}

async function restart(target: Target, s: ServiceChange, clock: Clock): Promise<void> {
  try {
    await target.act(`systemctl restart ${s.unit}`, { label: `systemctl restart ${s.unit}` });
    if (target.live) await waitUntilRunning(target, s.unit, clock);
  } catch (e) {
    if (s.changedFiles.length === 0) throw e;
    await target.run(`journalctl -u ${s.unit} -n 20 --no-pager 2>&1 || true`, { label: `journalctl -u ${s.unit}` });
    await activation(target, s.changedFiles).rollback();
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
