// The boot lab in tests: whether this machine can run it (root, namespaces, QEMU, dnsmasq),
// said in one loud line when it cannot, and helpers to read what the VMs wrote.
import { execFileSync } from "node:child_process";
import { openSync, readSync, closeSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** LAB_CACHE keeps the lab OS between runs (built once from Debian's kernel and busybox). */
export const LAB_CACHE = process.env.PXECTL_LAB_CACHE ?? "/tmp/pxectl-lab-cache";
/** MATCHBOX_TEST_SERVER is the bundled matchbox test server, built by the global setup. */
export const MATCHBOX_TEST_SERVER = fileURLToPath(new URL("../../dist/matchbox-test-server.cjs", import.meta.url));

/** labUnavailable says why the lab cannot run here, or undefined when it can. */
export function labUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  try {
    execFileSync("sh", ["-c", "command -v qemu-system-x86_64 && command -v dnsmasq && command -v syslinux && command -v mcopy && command -v mkfs.vfat && test -f /usr/lib/ipxe/qemu/pxe-virtio.rom && test -f /usr/lib/shim/shimx64.efi.signed && test -f /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed && ip netns list"], { stdio: "ignore" });
  } catch {
    return "qemu-system-x86, dnsmasq-base, syslinux, mtools, dosfstools, ipxe-qemu, shim-signed, grub-efi-amd64-signed or network namespaces are missing (.ci/run installs them)";
  }
  return undefined;
}

/** skipLabUnless returns true when the lab tests must be skipped, after saying so loudly; under CI it never skips. */
export function skipLab(): boolean {
  const why = labUnavailable();
  if (!why) return false;
  if (process.env.CI) return false; // CI must run it: let the test fail on what is missing
  process.stderr.write(`\n!!! BOOT LAB NOT RUN: ${why}. The lab tests are skipped on this machine. !!!\n\n`);
  return true;
}

/** installedConfig reads the config the lab installer wrote to a disk: a line with its size, then its bytes. */
export function installedConfig(disk: string, offsetMiB = 32): string | undefined {
  const fd = openSync(disk, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    readSync(fd, buffer, 0, buffer.length, offsetMiB << 20);
    const newline = buffer.indexOf(10);
    const size = Number(buffer.subarray(0, newline).toString());
    if (newline < 0 || !Number.isInteger(size) || size <= 0) return undefined;
    return buffer.subarray(newline + 1, newline + 1 + size).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
