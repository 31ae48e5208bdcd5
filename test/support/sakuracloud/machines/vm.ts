// A server of the machine-backed test server as a QEMU VM inside the cloud's namespace:
// one virtio NIC per connected NIC (a tap on its segment's bridge), its disks in order,
// SeaBIOS with the iPXE ROM on the NIC that network-boots (a server without an OS disk,
// like a blank-disk SakuraCloud server booted from its switch), or QEMU's direct kernel
// boot for a disk made from the host image. A monitor socket takes ACPI power-off;
// force-off kills the process.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { connect } from "node:net";

const IPXE_ROM = "/usr/lib/ipxe/qemu/pxe-virtio.rom";

export interface VmNic {
  mac: string;
  tap: string;
  /** This NIC carries the iPXE ROM and comes first in the boot order. */
  netboot: boolean;
}

/** KernelBoot boots a root file system image directly: its kernel and initrd live outside the image. */
export interface KernelBoot {
  kernel: string;
  initrd: string;
  append: string;
}

export interface VmSpec {
  name: string;
  memoryMB: number;
  nics: readonly VmNic[];
  disks: readonly string[];
  kernelBoot?: KernelBoot;
  console: string;
  monitor: string;
}

/** vmArgs is QEMU's command line; an explicit romfile needs disable-legacy=on or SeaBIOS skips the ROM. */
export function vmArgs(vm: VmSpec): string[] {
  const args = ["-accel", "tcg", "-m", String(vm.memoryMB), "-smp", "1", "-name", vm.name, "-nographic", "-serial", `file:${vm.console}`, "-monitor", `unix:${vm.monitor},server=on,wait=off`];
  vm.nics.forEach((nic, i) => {
    args.push("-netdev", `tap,id=n${i},ifname=${nic.tap},script=no,downscript=no`);
    args.push("-device", `virtio-net-pci,netdev=n${i},mac=${nic.mac.toLowerCase()},romfile=${nic.netboot ? IPXE_ROM : ""},disable-legacy=on${nic.netboot ? ",bootindex=1" : ""}`);
  });
  vm.disks.forEach((disk, i) => {
    args.push("-drive", `file=${disk},if=none,id=d${i},format=raw`);
    args.push("-device", `virtio-blk-pci,drive=d${i}${i === 0 ? ",bootindex=2" : ""}`);
  });
  if (vm.kernelBoot) args.push("-kernel", vm.kernelBoot.kernel, "-initrd", vm.kernelBoot.initrd, "-append", vm.kernelBoot.append);
  return args;
}

/** RunningVm is a started QEMU; exited settles when it ends, however that happens. */
export interface RunningVm {
  pid: number;
  exited: Promise<void>;
  child: ChildProcess;
}

/** startVm runs QEMU inside the namespace, its own messages appended to log. */
export async function startVm(namespace: string, vm: VmSpec, log: string): Promise<RunningVm> {
  const fd = openSync(log, "a", 0o644);
  try {
    const child = spawn("ip", ["netns", "exec", namespace, "qemu-system-x86_64", ...vmArgs(vm)], { stdio: ["ignore", fd, fd] });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("error", reject);
      child.once("spawn", () => resolve(child.pid!));
    });
    return { pid, exited, child };
  } finally {
    closeSync(fd);
  }
}

/** acpiPowerOff presses the power button through the monitor: the guest decides what to do. */
export async function acpiPowerOff(monitor: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(monitor);
    socket.once("error", reject);
    socket.once("connect", () => socket.end("system_powerdown\n", () => resolve()));
  });
}

/** killVm forces the VM off, as pulling the plug. */
export async function killVm(vm: RunningVm): Promise<void> {
  if (vm.child.exitCode === null && vm.child.signalCode === null) vm.child.kill("SIGKILL");
  await vm.exited;
}
