// A root prefix that looks like a freshly installed host to the installer: the accounts
// files (useradd --prefix edits them), the dpkg database (what is installed), and the few
// package files the installer reads or systemd-analyze checks (iPXE, shim and GRUB binaries,
// dnsmasq, nft).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const FROM_HOST = [
  "/etc/passwd",
  "/etc/group",
  "/etc/shadow",
  "/etc/gshadow",
  "/var/lib/dpkg/status",
  "/usr/sbin/dnsmasq",
  "/usr/sbin/nft",
  "/usr/lib/ipxe/undionly.kpxe",
  // a symlink into /boot on bookworm: copied as the file it points to, as a chroot would see it
  "/usr/lib/ipxe/ipxe.efi",
  // the Secure Boot chain (shim-signed, grub-efi-amd64-signed)
  "/usr/lib/shim/shimx64.efi.signed",
  "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed",
];

/** seedRoot fills dir with copies of the host files the installer expects on a target. */
export function seedRoot(dir: string, { without = [] as string[] } = {}): string {
  for (const path of FROM_HOST.filter((p) => !without.includes(p))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(path, join(dir, path));
  }
  return dir;
}
