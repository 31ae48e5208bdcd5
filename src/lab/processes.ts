// The lab's long-running programs (dnsmasq, matchbox, the gRPC relays, QEMU) outlive the
// command that starts them. Each is recorded by pid and start time, so a later command
// never mistakes a recycled pid for one of them.
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** LabProcess is a started program as state records it. */
export interface LabProcess {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: the same pid with another start time is another program. */
  started: string;
  command: string;
  log: string;
}

/** procStat reads a process's state (field 3) and start time (field 22) from /proc. */
async function procStat(pid: number): Promise<{ state: string; started: string } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (!stat) return undefined;
  // the command name (field 2) may hold spaces: count fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, started: fields[19]! };
}

/** startDetached starts a program in its own session with stdout and stderr appended to log. */
export async function startDetached(command: string, args: readonly string[], log: string, env?: NodeJS.ProcessEnv): Promise<LabProcess> {
  const fd = openSync(log, "a", 0o644);
  try {
    const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd], ...(env ? { env } : {}) });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => resolve(child.pid!));
    });
    child.unref();
    return { pid, started: (await procStat(pid))?.started ?? "", command: [command, ...args].join(" "), log };
  } finally {
    closeSync(fd);
  }
}

/** isRunning tells whether the recorded program is still the one running under its pid. */
export async function isRunning(p: Pick<LabProcess, "pid" | "started">): Promise<boolean> {
  const now = await procStat(p.pid);
  // a zombie has exited; its parent reaps it
  return now !== undefined && now.started === p.started && now.state !== "Z";
}

/** stopProcess ends a recorded program: SIGTERM, then SIGKILL after graceMs. */
export async function stopProcess(p: Pick<LabProcess, "pid" | "started">, graceMs = 3000): Promise<void> {
  if (!(await isRunning(p))) return;
  process.kill(p.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(p))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (await isRunning(p)) process.kill(p.pid, "SIGKILL");
}
