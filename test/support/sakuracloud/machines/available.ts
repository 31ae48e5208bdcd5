// Whether this machine can back the test server with real machines: root (namespaces,
// taps, nftables), QEMU with the iPXE ROM, and for the host image mmdebstrap and debugfs.
import { execFileSync } from "node:child_process";

/** machinesUnavailable says why the machine-backed mode cannot run here, or undefined when it can. */
export function machinesUnavailable(o: { hostImage: boolean }): string | undefined {
  if (process.getuid?.() !== 0) return "not root (network namespaces, taps and nftables need it)";
  const tools = ["qemu-system-x86_64", "nft", ...(o.hostImage ? ["mmdebstrap", "debugfs"] : [])];
  try {
    execFileSync("sh", ["-c", `${tools.map((t) => `command -v ${t}`).join(" && ")} && test -f /usr/lib/ipxe/qemu/pxe-virtio.rom && ip netns list`], { stdio: "ignore" });
  } catch {
    return `one of ${tools.join(", ")}, ipxe-qemu or network namespaces is missing (.ci/run installs them)`;
  }
  return undefined;
}
