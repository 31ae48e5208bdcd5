// The boot scripts matchbox serves, byte for byte (matchbox/http/ipxe.go and grub.go).
import type { NetBoot } from "./types";

/** BOOT_IPXE is /boot.ipxe (and /boot.ipxe.0): it chains to /ipxe with the machine's identity. */
export const BOOT_IPXE = "#!ipxe\nchain ipxe?uuid=${uuid}&mac=${mac:hexhyp}&domain=${domain}&hostname=${hostname}&serial=${serial}&arch=${buildarch:uristring}\n";

/** renderIpxe is /ipxe for a profile's boot: kernel and args on one line, one initrd line each. Strings go in verbatim. */
export function renderIpxe(boot: NetBoot): string {
  const args = boot.args.map((a) => ` ${a}`).join("");
  return `#!ipxe\nkernel ${boot.kernel}${args}\n${boot.initrd.map((i) => `initrd ${i}\n`).join("")}boot\n`;
}

/** renderGrub is /grub for a profile's boot: an EFI and a BIOS menu entry. */
export function renderGrub(boot: NetBoot): string {
  const args = boot.args.map((a) => ` ${a}`).join("");
  const initrds = boot.initrd.map((i) => ` "${i}"`).join("");
  const entry = (title: string, linux: string, initrd: string) =>
    `menuentry "${title}" {\necho "Loading kernel"\n${linux} "${boot.kernel}"${args}\necho "Loading initrd"\n${initrd} ${initrds}\n}\n`;
  return `default=0\nfallback=1\ntimeout=1\n${entry("CoreOS (EFI)", "linuxefi", "initrdefi")}${entry("CoreOS (BIOS)", "linux", "initrd")}`;
}
