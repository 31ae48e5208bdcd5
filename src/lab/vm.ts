// Lab VMs: QEMU with a fixed MAC on a tap in the lab namespace, network-booting first and
// its disk second, like a server whose boot order puts the network first. The serial
// console goes to a file: QEMU's exit code says nothing (a reset exits 0), so progress is
// judged from what the VM prints and what the host's logs show.
import { copyFile, mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";

/** Firmware: SeaBIOS with the iPXE ROM, OVMF with the iPXE EFI ROM, or OVMF's own PXE (then TFTP ipxe.efi). */
export type Firmware = "bios" | "uefi" | "uefi-pxe";
export const FIRMWARES: readonly Firmware[] = ["bios", "uefi", "uefi-pxe"];
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
  /** UEFI variables, one copy per VM. */
  varsFile: string;
}

const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
const OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";
const ROMS: Record<Firmware, string> = { bios: "/usr/lib/ipxe/qemu/pxe-virtio.rom", uefi: "/usr/lib/ipxe/qemu/efi-virtio.rom", "uefi-pxe": "" };
/** The disk holds the install image (16 MiB) and the installed config after it. */
export const DISK_MIB = 64;

/** vmFirmwareFiles are the files a firmware needs on this machine. */
export function vmFirmwareFiles(firmware: Firmware): string[] {
  return [...(ROMS[firmware] ? [ROMS[firmware]] : []), ...(firmware === "bios" ? [] : [OVMF_CODE, OVMF_VARS])];
}

/** qemuArgs builds the command line; an explicit romfile needs disable-legacy=on or SeaBIOS skips the ROM. */
export function qemuArgs(vm: VmSpec): string[] {
  const args = [
    "-accel", vm.accel,
    "-m", String(vm.memoryMB),
    "-smp", "1",
    "-name", vm.name,
    "-nographic",
    "-serial", `file:${vm.console}`,
    "-monitor", "none",
    "-netdev", `tap,id=n0,ifname=${vm.tap},script=no,downscript=no`,
    "-device", `virtio-net-pci,netdev=n0,mac=${vm.mac},romfile=${ROMS[vm.firmware]},disable-legacy=on,bootindex=1`,
    "-drive", `file=${vm.disk},if=none,id=d0,format=raw`,
    "-device", "virtio-blk-pci,drive=d0,bootindex=2",
  ];
  if (vm.firmware !== "bios") {
    args.push("-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`, "-drive", `if=pflash,format=raw,unit=1,file=${vm.varsFile}`);
    // the lab is IPv4 only: without this OVMF tries an IPv6 PXE boot for about a minute before the disk
    args.push("-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n");
  }
  return args;
}

/** prepareVmFiles creates the VM's blank disk (fresh, or when missing) and its UEFI variables. */
export async function prepareVmFiles(vm: VmSpec, fresh: boolean): Promise<void> {
  await mkdir(dirname(vm.disk), { recursive: true });
  const missing = !(await stat(vm.disk).catch(() => undefined));
  if (fresh || missing) {
    const disk = await open(vm.disk, "w");
    await disk.truncate(DISK_MIB << 20);
    await disk.close();
  }
  if (vm.firmware !== "bios" && (fresh || !(await stat(vm.varsFile).catch(() => undefined)))) await copyFile(OVMF_VARS, vm.varsFile);
}
