// A lab server with an installed OS as a QEMU VM: the host image's kernel booted directly
// (no boot loader on the disk), its disk on virtio, N virtio NICs on taps made beforehand
// (in a namespace when given), the serial console to a file and a QMP socket for the power
// button. Power-on starts QEMU; an ACPI shutdown is QMP's system_powerdown (the guest's
// systemd-logind powers off, QEMU exits); force-off kills QEMU. A reboot inside the guest
// resets the VM and boots the same kernel again.
import { connect } from "node:net";
import { rm } from "node:fs/promises";
import { LabError } from "../core/errors";
import { inNamespace } from "./network";
import { type LabProcess, isRunning, startDetached, stopProcess } from "./processes";

/** HostVmSpec is one VM: its disk, what it boots, its NICs (in order: eth0, eth1…). */
export interface HostVmSpec {
  name: string;
  /** Raw disk image, the VM's first virtio disk (/dev/vda). */
  disk: string;
  kernel: string;
  initrd: string;
  cmdline: string;
  /** NICs in order; each tap exists already (in namespace, when given). */
  nics: ReadonlyArray<{ mac: string; tap: string }>;
  /** The network namespace holding the taps; QEMU runs there. */
  namespace?: string;
  memoryMB?: number;
  /** Serial console output (appended). */
  console: string;
  /** QMP's Unix socket path (created by QEMU). */
  qmpSocket: string;
  /** QEMU's own stdout/stderr. */
  log: string;
  accel?: "tcg" | "kvm";
}

/** hostVmArgs is QEMU's command line for spec (one vCPU: the lab's machines share few cores). */
export function hostVmArgs(spec: HostVmSpec): string[] {
  const args = [
    "-accel", spec.accel ?? "tcg",
    "-m", String(spec.memoryMB ?? 1024),
    "-smp", "1",
    "-name", spec.name,
    "-nographic",
    "-serial", `file:${spec.console}`,
    "-monitor", "none",
    "-qmp", `unix:${spec.qmpSocket},server=on,wait=off`,
    "-kernel", spec.kernel,
    "-initrd", spec.initrd,
    "-append", spec.cmdline,
    "-drive", `file=${spec.disk},if=none,id=d0,format=raw,cache=unsafe`,
    "-device", "virtio-blk-pci,drive=d0",
  ];
  for (const [i, nic] of spec.nics.entries()) {
    // no romfile: the host boots its kernel directly and never from the network
    args.push("-netdev", `tap,id=n${i},ifname=${nic.tap},script=no,downscript=no`, "-device", `virtio-net-pci,netdev=n${i},mac=${nic.mac},romfile=`);
  }
  return args;
}

/** startHostVm starts QEMU and returns once it runs (the guest boots on; see waitForSsh). */
export async function startHostVm(spec: HostVmSpec): Promise<LabProcess> {
  await rm(spec.qmpSocket, { force: true });
  const qemu = ["qemu-system-x86_64", ...hostVmArgs(spec)];
  const [program, ...args] = spec.namespace ? inNamespace(spec.namespace, qemu) : qemu;
  const proc = await startDetached(program!, args, spec.log);
  // QEMU exits at once on a bad argument or a missing tap: catch it here, not at the first SSH attempt
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await isRunning(proc))) {
      const { readFile } = await import("node:fs/promises");
      const log = (await readFile(spec.log, "utf8").catch(() => "")).trim().split("\n").slice(-2).join(" | ");
      throw new LabError(`QEMU for ${spec.name} exited at once: ${log}`, { hint: `see ${spec.log}` });
    }
  }
  return proc;
}

/** qmpCommand sends one QMP command (after the capabilities handshake) and returns its answer. */
export function qmpCommand(socket: string, command: string, timeoutMs = 5000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let buffer = "";
    let stage: "greeting" | "capabilities" | "command" = "greeting";
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new LabError(`QMP ${command} on ${socket} got no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (f: () => void) => {
      clearTimeout(timer);
      conn.end();
      f();
    };
    conn.on("error", (e) => done(() => reject(new LabError(`QMP socket ${socket}: ${e.message}`, { cause: e }))));
    conn.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        const message = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc: string }; event?: string };
        if (message.event) continue;
        if (stage === "greeting" && message.QMP) {
          stage = "capabilities";
          conn.write(`${JSON.stringify({ execute: "qmp_capabilities" })}\n`);
        } else if (stage === "capabilities") {
          stage = "command";
          conn.write(`${JSON.stringify({ execute: command })}\n`);
        } else if (stage === "command") {
          if (message.error) done(() => reject(new LabError(`QMP ${command}: ${message.error!.desc}`)));
          else done(() => resolve(message.return));
        }
      }
    });
  });
}

/** powerDownVm presses the VM's ACPI power button; QEMU exits once the guest has shut down. */
export async function powerDownVm(qmpSocket: string): Promise<void> {
  await qmpCommand(qmpSocket, "system_powerdown");
}

/** forceOffVm pulls the plug: QEMU is killed. */
export async function forceOffVm(proc: Pick<LabProcess, "pid" | "started">): Promise<void> {
  await stopProcess(proc, 2000);
}

/** waitForExit waits until the recorded QEMU has exited; false when timeoutMs ran out first. */
export async function waitForExit(proc: Pick<LabProcess, "pid" | "started">, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(proc))) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return !(await isRunning(proc));
}

/** sshBanner connects once and returns the server's identification line ("SSH-2.0-…"), or undefined. */
export function sshBanner(host: string, port = 22, timeoutMs = 3000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const conn = connect({ host, port });
    let data = "";
    const finish = (value: string | undefined) => {
      clearTimeout(timer);
      conn.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    conn.on("error", () => finish(undefined));
    conn.on("data", (chunk) => {
      data += chunk.toString("latin1");
      const line = data.split("\n")[0]!;
      if (data.includes("\n")) finish(line.startsWith("SSH-") ? line.trim() : undefined);
    });
    conn.on("end", () => finish(undefined));
  });
}

/** waitForSsh waits until sshd answers at host:port with its banner; it gives up early when the VM has exited. */
export async function waitForSsh(o: { host: string; port?: number; timeoutMs: number; vm?: Pick<LabProcess, "pid" | "started">; signal?: AbortSignal }): Promise<string> {
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    o.signal?.throwIfAborted();
    const banner = await sshBanner(o.host, o.port ?? 22);
    if (banner) return banner;
    if (o.vm && !(await isRunning(o.vm))) throw new LabError(`the VM exited before SSH answered at ${o.host}:${o.port ?? 22}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new LabError(`SSH did not answer at ${o.host}:${o.port ?? 22} within ${Math.round(o.timeoutMs / 1000)} s`, { hint: "see the VM's serial console file" });
}
