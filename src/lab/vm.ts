// Lab VMs: QEMU with a fixed MAC on a tap in the lab namespace, network-booting first and
// its disk second, like a server whose boot order puts the network first. The serial
// console goes to a file: QEMU's exit code says nothing (a reset exits 0), so progress is
// judged from what the VM prints and what the host's logs show.
import { copyFile, mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * Firmware: SeaBIOS with the iPXE ROM, OVMF with the iPXE EFI ROM, OVMF's own PXE (then TFTP
 * ipxe.efi), or OVMF enforcing Secure Boot with Microsoft's keys enrolled (its own PXE, then
 * whatever dnsmasq offers: shim and GRUB boot, Debian's unsigned iPXE is refused).
 */
export type Firmware = "bios" | "uefi" | "uefi-pxe" | "uefi-secure";
export const FIRMWARES: readonly Firmware[] = ["bios", "uefi", "uefi-pxe", "uefi-secure"];
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
/** Debian's ovmf: the code that enforces Secure Boot (it needs SMM), and variables with Microsoft's keys enrolled. */
const OVMF_SECURE_CODE = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd";
const OVMF_SECURE_VARS = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd";
const ROMS: Record<Firmware, string> = { bios: "/usr/lib/ipxe/qemu/pxe-virtio.rom", uefi: "/usr/lib/ipxe/qemu/efi-virtio.rom", "uefi-pxe": "", "uefi-secure": "" };
const ovmfFiles = (firmware: Firmware) => (firmware === "uefi-secure" ? { code: OVMF_SECURE_CODE, vars: OVMF_SECURE_VARS } : { code: OVMF_CODE, vars: OVMF_VARS });
/** The disk holds the install image (16 MiB) and the installed config after it. */
export const DISK_MIB = 64;

/** vmFirmwareFiles are the files a firmware needs on this machine. */
export function vmFirmwareFiles(firmware: Firmware): string[] {
  return [...(ROMS[firmware] ? [ROMS[firmware]] : []), ...(firmware === "bios" ? [] : Object.values(ovmfFiles(firmware)))];
}

/** qemuArgs builds the command line; an explicit romfile needs disable-legacy=on or SeaBIOS skips the ROM. */
export function qemuArgs(vm: VmSpec): string[] {
  const secure = vm.firmware === "uefi-secure";
  // Secure Boot: the variables are writable only from SMM, so the guest OS cannot change the keys.
  // Its disk comes first: blank, the firmware skips it to the network; installed, shim boots it.
  const [netIndex, diskIndex] = secure ? [2, 1] : [1, 2];
  const args = [
    ...(secure ? ["-machine", "q35,smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on"] : []),
    "-accel", vm.accel,
    "-m", String(vm.memoryMB),
    "-smp", "1",
    "-name", vm.name,
    "-nographic",
    "-serial", `file:${vm.console}`,
    "-monitor", "none",
    "-netdev", `tap,id=n0,ifname=${vm.tap},script=no,downscript=no`,
    "-device", `virtio-net-pci,netdev=n0,mac=${vm.mac},romfile=${ROMS[vm.firmware]},disable-legacy=on,bootindex=${netIndex}`,
    "-drive", `file=${vm.disk},if=none,id=d0,format=raw`,
    "-device", `virtio-blk-pci,drive=d0,bootindex=${diskIndex}`,
  ];
  if (vm.firmware !== "bios") {
    args.push("-drive", `if=pflash,format=raw,unit=0,readonly=on,file=${ovmfFiles(vm.firmware).code}`, "-drive", `if=pflash,format=raw,unit=1,file=${vm.varsFile}`);
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
  if (vm.firmware !== "bios" && (fresh || !(await stat(vm.varsFile).catch(() => undefined)))) await copyFile(ovmfFiles(vm.firmware).vars, vm.varsFile);
}
