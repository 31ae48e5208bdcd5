// What a matchbox request means: which boot step asked for it, and which machine asked.
// matchbox logs no client address, so the query (mac=, or ip=) is the only way to tell.
import { normalizeMac } from "../core/mac";

/** RequestKind is the boot step a matchbox request belongs to. */
export type RequestKind =
  | "boot-script" // /boot.ipxe: iPXE's first fetch, no MAC in the query
  | "ipxe-script" // /ipxe?mac=... (or /grub): the profile's boot script
  | "kernel"
  | "initrd"
  | "install-config" // /ignition?mac=... (stage 0)
  | "installed-config" // /ignition?mac=...&os=installed (the installer fetches stage 1)
  | "install-image" // the OS image the installer writes to disk
  | "other";

// Asset names of Flatcar and Fedora CoreOS (and most distributions' PXE files).
const KERNEL = /(?:vmlinuz|kernel|bzimage|linux)[^/]*$/i;
const INITRD = /(?:initrd|initramfs|\.cpio(?:\.gz|\.xz|\.zst)?)[^/]*$/i;
const INSTALL_IMAGE = /(?:_image\.bin(?:\.bz2)?|metal\.x86_64\.raw\.xz|metal\.aarch64\.raw\.xz|metal4k[^/]*\.raw\.xz)$/i;

/** RequestQuery is what the query string says about the machine. */
export interface RequestQuery {
  mac?: string;
  ip?: string;
  os?: string;
}

/** readQuery decodes mac= (any spelling, URL-encoded as iPXE does), ip= and os=; never throws. */
export function readQuery(raw: string): RequestQuery {
  const q: RequestQuery = {};
  if (raw === "") return q;
  for (const pair of raw.split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).toLowerCase(); // matchbox compares the key "mac" case-insensitively
    if (key !== "mac" && key !== "ip" && key !== "os") continue;
    if (q[key] !== undefined) continue; // matchbox keeps a key's first value
    const value = decode(pair.slice(eq + 1));
    if (key === "mac") {
      const mac = normalizeMac(value);
      if (mac) q.mac = mac;
    } else if (value !== "") q[key] = value;
  }
  return q;
}

function decode(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a truncated line can cut "%3A" in half
  }
}

/** classifyRequest names the boot step of a request path with its query. */
export function classifyRequest(path: string, query: RequestQuery): RequestKind {
  if (path === "/boot.ipxe" || path === "/boot.ipxe.0") return "boot-script";
  if (path === "/ipxe" || path === "/grub") return "ipxe-script";
  if (path === "/ignition") return query.os === "installed" ? "installed-config" : "install-config";
  if (path.startsWith("/assets/")) {
    if (INSTALL_IMAGE.test(path)) return "install-image";
    if (INITRD.test(path)) return "initrd";
    if (KERNEL.test(path)) return "kernel";
  }
  return "other";
}
