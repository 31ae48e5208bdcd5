// What the lab needs from this machine, checked all at once before anything is made, so a
// missing piece is one line that names every missing program and the packages to install.
import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { LabError } from "../core/errors";
import { SYSLINUX_EFI, SYSLINUX_MBR } from "./installer-os";
import { type Firmware, vmFirmwareFiles } from "./vm";

/** PROGRAMS are the commands the lab runs, with the Debian package of each. */
export const PROGRAMS: ReadonlyArray<[string, string]> = [
  ["ip", "iproute2"],
  ["dnsmasq", "dnsmasq-base"],
  ["qemu-system-x86_64", "qemu-system-x86"],
  ["cpio", "cpio"],
  ["mkfs.vfat", "dosfstools"],
  ["syslinux", "syslinux"],
  ["mcopy", "mtools"],
];
/** FILES are the files it reads, with the Debian package of each (syslinux-common is only recommended by syslinux). */
export const FILES: ReadonlyArray<[string, string]> = [
  ["/bin/busybox", "busybox-static"],
  ["/usr/lib/ipxe/undionly.kpxe", "ipxe"],
  [SYSLINUX_EFI.loader, "syslinux-efi"],
  [SYSLINUX_EFI.module, "syslinux-common"],
  [SYSLINUX_MBR, "syslinux-common"],
];
const PACKAGE_OF_FILE: ReadonlyArray<[RegExp, string]> = [
  [/ipxe\/qemu/, "ipxe-qemu"],
  [/OVMF/, "ovmf"],
];

async function onPath(command: string, path: string): Promise<boolean> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    if (await access(join(dir, command), constants.X_OK).then(() => true, () => false)) return true;
  }
  return false;
}

/** checkLabPrerequisites throws one LabError naming everything missing. */
export async function checkLabPrerequisites(o: { env: NodeJS.ProcessEnv; uid: number; firmwares: readonly Firmware[] }): Promise<void> {
  const path = o.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin";
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const [command, pkg] of PROGRAMS) {
    if (await onPath(command, path)) continue;
    missing.push(command);
    packages.add(pkg);
  }
  const files: Array<[string, string]> = [
    ...FILES,
    ...o.firmwares.flatMap((f) => vmFirmwareFiles(f)).map((file): [string, string] => [file, PACKAGE_OF_FILE.find(([re]) => re.test(file))?.[1] ?? "ipxe-qemu"]),
  ];
  for (const [file, pkg] of files) {
    if (await access(file).then(() => true, () => false)) continue;
    missing.push(file);
    packages.add(pkg);
  }
  const notRoot = o.uid !== 0;
  if (!notRoot && missing.length === 0) return;
  const parts = [...(notRoot ? ["root (network namespaces, taps and DHCP need it)"] : []), ...missing];
  throw new LabError(`the boot lab cannot run here: it needs ${parts.join(", ")}`, {
    hint: [notRoot ? "run it with sudo" : "", packages.size > 0 ? `apt-get install ${[...packages].join(" ")}` : ""].filter(Boolean).join("; "),
  });
}
