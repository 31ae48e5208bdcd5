// Lab VMs: QEMU with a fixed MAC on a tap in the lab namespace, network-booting through
// the firmware's iPXE ROM (BIOS or UEFI). The serial console goes to a file, because
// QEMU's exit code says nothing (a reset exits 0): progress is judged from what it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, open, readFile } from "node:fs/promises";

export type Firmware = "bios" | "uefi";
export type Accel = "tcg" | "kvm";

export interface VmSpec {
  name: string;
  mac: string;
  tap: string;
  disk: string;
  firmware: Firmware;
  accel: Accel;
  memoryMB: number;
  console: string;
  /** UEFI variables, copied per VM. */
  varsFile?: string;
}

const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
const OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";

/** qemuArgs builds the command line; romfile needs disable-legacy=on or SeaBIOS skips the ROM. */
export function qemuArgs(vm: VmSpec): string[] {
  const rom = vm.firmware === "bios" ? "/usr/lib/ipxe/qemu/pxe-virtio.rom" : "/usr/lib/ipxe/qemu/efi-virtio.rom";
  const args = [
    "-accel", vm.accel,
    "-m", String(vm.memoryMB),
    "-smp", "1",
    "-name", vm.name,
    "-nographic",
    "-serial", `file:${vm.console}`,
    "-monitor", "none",
    "-netdev", `tap,id=n0,ifname=${vm.tap},script=no,downscript=no`,
    "-device", `virtio-net-pci,netdev=n0,mac=${vm.mac},romfile=${rom},disable-legacy=on,bootindex=1`,
    "-drive", `file=${vm.disk},if=virtio,format=raw`,
  ];
  if (vm.firmware === "uefi") {
    args.push("-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`, "-drive", `if=pflash,format=raw,unit=1,file=${vm.varsFile}`);
  }
  return args;
}

/** RunningVm is a started VM. */
export interface RunningVm {
  spec: VmSpec;
  process: ChildProcess;
  /** console returns everything the VM printed so far. */
  console(): Promise<string>;
  stop(): Promise<void>;
}

/** startVm creates the disk (and UEFI vars) and starts QEMU inside the namespace. */
export async function startVm(namespace: string, vm: VmSpec, diskMB = 16): Promise<RunningVm> {
  const disk = await open(vm.disk, "w");
  await disk.truncate(diskMB << 20);
  await disk.close();
  if (vm.firmware === "uefi") await copyFile(OVMF_VARS, vm.varsFile!);
  const child = spawn("ip", ["netns", "exec", namespace, "qemu-system-x86_64", ...qemuArgs(vm)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    spec: vm,
    process: child,
    console: async () => (await readFile(vm.console, "utf8").catch(() => "")) + (stderr ? `\n[qemu stderr] ${stderr}` : ""),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
