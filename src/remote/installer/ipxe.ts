// The iPXE binaries firmware loads over TFTP, copied from the ipxe package into the TFTP
// root. Debian and Ubuntu name and place them differently by release, so each is the first
// that exists of a few known paths; ARM64 UEFI is served only when a build is present.
import { posix } from "node:path";
import { RemoteError } from "../../core/errors";
import { quote, quoteAll } from "../shell";
import { HOST_PATHS } from "./paths";
import type { StepResult } from "./step";
import type { Target } from "./target";

/** BOOT_FILES maps each TFTP name to where the ipxe package may have put it, best first. */
export const BOOT_FILES = [
  { name: "undionly.kpxe", what: "BIOS", required: true, candidates: ["/usr/lib/ipxe/undionly.kpxe"] },
  // trixie ships ipxe-amd64.efi (ipxe.efi links to it); bookworm's ipxe.efi links to /boot
  { name: "ipxe.efi", what: "x86_64 UEFI", required: true, candidates: ["/usr/lib/ipxe/ipxe-amd64.efi", "/usr/lib/ipxe/ipxe.efi", "/boot/ipxe.efi"] },
  // trixie has it in ipxe; Ubuntu in grub-ipxe under /boot; bookworm has none
  { name: "ipxe-arm64.efi", what: "ARM64 UEFI", required: false, candidates: ["/usr/lib/ipxe/ipxe-arm64.efi", "/boot/ipxe-arm64.efi"] },
] as const;

/** IpxeResult tells the dnsmasq step which architectures can be served. */
export interface IpxeResult extends StepResult {
  arm64: boolean;
}

/** ensureIpxeFiles copies the boot files that differ into the TFTP root. */
export async function ensureIpxeFiles(target: Target): Promise<IpxeResult> {
  const { copies, copied } = await copyPackageFiles(target, BOOT_FILES, { what: "iPXE", hint: "install the ipxe package" });
  const arm64 = copies.some((c) => c.name === "ipxe-arm64.efi");
  const details = copies.map(({ name, from }) => `${copied.includes(name) ? "copied" : "up to date:"} ${name} (from ${from})`);
  if (!arm64) details.push("no ARM64 UEFI build of iPXE on this host: ARM64 machines cannot network boot");
  return { changed: copied.length > 0, details, arm64 };
}

/** PackageFile is a file a package put somewhere (candidates, best first), served in the TFTP root as name. */
export interface PackageFile {
  name: string;
  what: string;
  required: boolean;
  candidates: readonly string[];
}

/**
 * copyPackageFiles copies each file's first existing candidate into the TFTP root when the
 * copy there differs (byte for byte); a required file with no candidate is an error.
 */
export async function copyPackageFiles(target: Target, files: readonly PackageFile[], o: { what: string; hint: string }): Promise<{ copies: Array<{ name: string; from: string }>; copied: string[] }> {
  const candidates = files.flatMap((f) => f.candidates.map((c) => target.path(c)));
  const found = (await target.run(`for f in ${quoteAll(candidates)}; do if [ -f "$f" ]; then echo "$f"; fi; done`, { label: `find ${o.what} binaries` })).stdout.split("\n");
  const copies: Array<{ name: string; from: string; source: string }> = [];
  for (const file of files) {
    const from = file.candidates.find((c) => found.includes(target.path(c)));
    if (from) copies.push({ name: file.name, from, source: target.path(from) });
    else if (file.required) {
      throw new RemoteError(`${o.what}'s ${file.what} binary is missing on ${target.host.label} (looked for ${file.candidates.join(", ")})`, { hint: o.hint });
    }
  }
  const tftp = target.path(HOST_PATHS.tftpRoot);
  const sync = copies.map(({ name, source }) => {
    const dest = quote(posix.join(tftp, name));
    const temp = quote(posix.join(tftp, `.${name}.pxectl-new`));
    // install copies the content, also through the absolute symlinks the package uses
    return `if ! cmp -s ${quote(source)} ${dest}; then install -m 0644 -o 0 -g 0 ${quote(source)} ${temp} && mv -f -- ${temp} ${dest} && echo ${quote(name)}; fi`;
  });
  const copied = (await target.run(`mkdir -p ${quote(tftp)}\n${sync.join("\n")}`, { label: `copy ${o.what} binaries to ${HOST_PATHS.tftpRoot}` })).stdout.split("\n").filter(Boolean);
  return { copies: copies.map(({ name, from }) => ({ name, from })), copied };
}
