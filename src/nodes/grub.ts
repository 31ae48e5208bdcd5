// Secure Boot network boot: shim (signed by Microsoft's UEFI CA) loads GRUB (signed by
// Debian), which loads a kernel signed by a key shim trusts. Debian 12's signed network GRUB
// (grubnetx64.efi.signed) carries tftp but no http module, and it cannot load modules under
// Secure Boot, so it cannot ask matchbox's /grub over HTTP: pxectl renders matchbox's /grub
// answer for each node into the TFTP root, next to the GRUB config GRUB loads first
// ($prefix/grub.cfg, $prefix being /grub), and GRUB fetches the kernel and initrd over TFTP
// from matchbox's assets (the TFTP root links to them).
import type { BootLoader } from "../config/project";
import type { NodeRecord } from "../config/state";
import { type Exchange, type MatchboxContent, expandIpxe, renderGrub, simulateGrub } from "../matchbox";
import { LOCALBOOT_PROFILE } from "./objects";

/** GRUB_TFTP names the files in the TFTP root, as shim and GRUB ask for them. */
export const GRUB_TFTP = {
  /** The boot file dnsmasq offers: shim. */
  shim: "shimx64.efi",
  /** What shim loads from the folder it came from. */
  grub: "grubx64.efi",
  /** What Debian's grubnetx64 reads first: its prefix is /grub. */
  mainConfig: "grub/grub.cfg",
  nodesDir: "grub/nodes",
  /** A link to matchbox's assets: the profiles' /assets/... paths work over TFTP too. */
  assets: "assets",
} as const;

/**
 * SIGNED_BOOT_FILES are where the distributions put the signed binaries, best first. Checked
 * (docs/secure-boot.md says how): Debian 12's shim-signed 1.51~1+deb12u1 and
 * grub-efi-amd64-signed 1+2.06+13+deb12u2 on this machine (dpkg -L); Ubuntu's file lists on
 * packages.ubuntu.com, whose shim-signed has no shimx64.efi.signed but .signed.latest (the
 * Microsoft-signed build shim-signed's postinst installs) and whose grub-efi-amd64-signed has
 * the same grubnetx64 path.
 */
export const SIGNED_BOOT_FILES = [
  { name: GRUB_TFTP.shim, what: "shim (signed by Microsoft)", pkg: "shim-signed", required: true, candidates: ["/usr/lib/shim/shimx64.efi.signed", "/usr/lib/shim/shimx64.efi.signed.latest"] },
  { name: GRUB_TFTP.grub, what: "network GRUB (signed by Debian or Ubuntu)", pkg: "grub-efi-amd64-signed", required: true, candidates: ["/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed"] },
] as const;

/** The dnsmasq tag of machines that get shim and GRUB instead of iPXE. */
export const GRUB_TAG = "pxectl-grub";

/** grubHostsFile is a GRUB node's file in dnsmasq's dhcp-hostsdir (its name: the MAC without colons). */
export const grubHostsFile = (mac: string) => ({ name: mac.toLowerCase().replaceAll(":", ""), content: `${mac.toLowerCase()},set:${GRUB_TAG}\n` });

/** GrubNodeFiles are a GRUB node's files: its tag for dnsmasq and, when matchbox has an answer for it, its config. */
export interface GrubNodeFiles {
  mac: string;
  config?: string;
}

/** bootLoaderOf is a node's own boot_loader, or the environment's. */
export function bootLoaderOf(node: NodeRecord, defaults: { boot_loader?: BootLoader }): BootLoader {
  const own = node.boot_loader;
  return own === "grub" || own === "ipxe" ? own : (defaults.boot_loader ?? "ipxe");
}

/** grubNodeFile is where a machine's own config sits in the TFTP root (GRUB's ${net_default_mac}: lower case, colons). */
export const grubNodeFile = (mac: string) => `${GRUB_TFTP.nodesDir}/${mac.toLowerCase()}.cfg`;

/** GRUB_MAIN_CONFIG is grub/grub.cfg: it sources the machine's own config, by MAC. */
export const GRUB_MAIN_CONFIG = `# Written by pxectl. Debian's signed GRUB reads this over TFTP first ($prefix is /grub);
# each machine's own config (matchbox's /grub answer for it) is ${GRUB_TFTP.nodesDir}/<mac>.cfg.
echo "pxectl: GRUB on \${net_default_mac}, Secure Boot chain (shim, GRUB)"
# (test -f cannot see files over TFTP: a missing file is an error here, and GRUB goes on below)
configfile "\${prefix}/nodes/\${net_default_mac}.cfg"
echo "pxectl: no GRUB config for \${net_default_mac}: register it (pxectl node add --mac ... --boot-loader grub)"
sleep 10
reboot
`;

/** GRUB_LOCAL_BOOT is an installed node's config: GRUB hands back to the firmware, which boots the next entry (the disk). */
const GRUB_LOCAL_BOOT = `echo "pxectl: \${net_default_mac} is installed; booting from the local disk"\nexit 1\n`;

// GRUB's shell treats these specially; anything else in an argument can go unquoted
const GRUB_PLAIN = /^[A-Za-z0-9_.,:=/@+%-]*$/;

/** grubQuote quotes a word for GRUB's shell (single quotes are literal there, as in sh). */
export function grubQuote(word: string): string {
  return GRUB_PLAIN.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** GrubRendering is matchbox's /grub answer for a MAC and what pxectl serves GRUB over TFTP in its place. */
export interface GrubRendering {
  /** matchbox's own /grub answer, as it would serve it. */
  matchbox: Exchange;
  /** The config GRUB reads over TFTP; undefined when matchbox would answer 404 or a path cannot go over TFTP. */
  tftp?: string;
  /** Why there is no TFTP config. */
  problem?: string;
}

/**
 * tftpPath turns a profile's kernel or initrd (a matchbox path, or a URL on matchbox) into
 * the TFTP path GRUB fetches: TFTP has no query string, and GRUB's network boot no HTTP.
 */
function tftpPath(ref: string, matchboxHttp: string | undefined): string | undefined {
  let path = ref;
  if (/^https?:\/\//.test(ref)) {
    if (!matchboxHttp || !ref.startsWith(matchboxHttp + "/")) return undefined;
    path = ref.slice(matchboxHttp.length);
  }
  if (!path.startsWith("/assets/")) return undefined;
  return path.replace(/\?.*$/, "");
}

/**
 * renderGrubForNode is what a machine with this MAC gets from GRUB's point of view: matchbox's
 * /grub answer, with the profile's iPXE settings (${mac:hexhyp}, ${uuid}) expanded for this
 * machine as iPXE would, and the kernel and initrd fetched over TFTP.
 */
export function renderGrubForNode(content: MatchboxContent, mac: string, matchboxHttp?: string): GrubRendering {
  const { exchange, boot } = simulateGrub(content, mac);
  if (exchange.status !== 200 || !boot) return { matchbox: exchange, problem: `matchbox would answer ${exchange.url} with 404: ${exchange.note ?? "not found"}` };
  const header = `# pxectl: matchbox's /grub answer for ${mac} (group ${exchange.group}, profile ${exchange.profile}),\n# its kernel and initrd fetched over TFTP (Debian's signed GRUB has no HTTP)\n`;
  if (exchange.profile === LOCALBOOT_PROFILE) return { matchbox: exchange, tftp: header + GRUB_LOCAL_BOOT };
  const settings = { mac, uuid: "", hostname: "", domain: "", serial: "", buildarch: "x86_64" };
  const kernel = tftpPath(expandIpxe(boot.kernel, settings), matchboxHttp);
  const initrd = boot.initrd.map((i) => tftpPath(expandIpxe(i, settings), matchboxHttp));
  const bad = [kernel === undefined ? boot.kernel : undefined, ...boot.initrd.filter((_, i) => initrd[i] === undefined)].filter((x): x is string => x !== undefined);
  if (bad.length > 0 || kernel === undefined) {
    return { matchbox: exchange, problem: `profile "${exchange.profile}" names ${bad.join(", ")}: GRUB fetches over TFTP only what lies under matchbox's /assets/` };
  }
  const args = boot.args.map((a) => grubQuote(expandIpxe(a, settings)));
  return { matchbox: exchange, tftp: header + renderGrub({ kernel, initrd: initrd as string[], args }) };
}

/** GRUB_SIGNED_NETBOOT is Debian's signed network GRUB (grub-efi-amd64-signed), the lab's source too. */
export const GRUB_SIGNED_NETBOOT = SIGNED_BOOT_FILES[1].candidates[0];
