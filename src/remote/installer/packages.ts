// Debian packages the host needs. dnsmasq-base is the dnsmasq program without the
// distribution's service (which would serve DNS on every interface and, on Ubuntu,
// collide with systemd-resolved); pxectl runs it as its own unit instead. ipmitool powers
// nodes through their BMCs, which usually sit on a network the host reaches. shim-signed and
// grub-efi-amd64-signed hold the Secure Boot chain the TFTP root serves (src/nodes/grub.ts);
// their maintainer scripts touch the host's own boot only on a UEFI host that already boots
// the distribution's GRUB from /boot/efi (they re-run grub-install there, as any upgrade does).
import { quoteAll } from "../shell";
import type { StepResult } from "./step";
import type { Target } from "./target";

/** PACKAGES are installed with apt-get when missing. */
export const PACKAGES = ["dnsmasq-base", "ipxe", "nftables", "curl", "gpgv", "ipmitool", "shim-signed", "grub-efi-amd64-signed"] as const;

const APT_TIMEOUT_MS = 20 * 60_000;
// a fresh cloud host often runs unattended-upgrades at first boot: wait for dpkg's lock
const APT = "DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600";

/** ensurePackages installs the packages that are not installed (under a root prefix: records it). */
export async function ensurePackages(target: Target, packages: readonly string[] = PACKAGES): Promise<StepResult> {
  const missing = await missingPackages(target, packages);
  if (missing.length === 0) return { changed: false, details: [`${packages.join(", ")} are installed`] };
  await target.act(`${APT} update && ${APT} -y install --no-install-recommends ${quoteAll(missing)}`, { label: `apt-get install ${missing.join(" ")}`, timeoutMs: APT_TIMEOUT_MS });
  return { changed: true, details: [`${target.live ? "installed" : "would install (root prefix)"} ${missing.join(", ")}`] };
}

async function missingPackages(target: Target, packages: readonly string[]): Promise<string[]> {
  // under a root prefix the prefix's own dpkg database says what is installed there
  const admindir = target.live ? [] : [`--admindir=${target.path("/var/lib/dpkg")}`];
  const query = `${quoteAll(["dpkg-query", ...admindir, "-W", "--showformat=${Package} ${db:Status-Status}\\n", ...packages])} 2>/dev/null`;
  // dpkg-query exits 1 when some package is unknown, 2 when there is no database at all
  const { stdout } = await target.run(query, { label: "dpkg-query", okExitCodes: [0, 1, 2], logOutput: false });
  const installed = new Set(stdout.split("\n").filter((l) => l.endsWith(" installed")).map((l) => l.split(" ")[0]));
  return packages.filter((p) => !installed.has(p));
}
