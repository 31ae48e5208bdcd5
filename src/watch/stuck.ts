// Stuck detection: why a node does not move on, and what to check. Some causes are certain the
// moment a line says so (a missing boot file, no matching group, an install loop): those fail
// the node. The others are hypotheses after a quiet spell, worded by the step that is missing.
import { formatDuration } from "../wait/duration";
import type { BootStatus, Stage } from "./lifecycle";

/** STUCK_CODES names every cause; the first eight are certain (fatal), the rest follow a quiet spell. */
export const STUCK_CODES = [
  "boot-file-missing",
  "no-matching-group",
  "no-matching-profile",
  "missing-profile",
  "missing-template",
  "template-error",
  "no-grub-config",
  "install-loop",
  "no-boot-file-request",
  "secure-boot-refused",
  "no-ipxe",
  "no-ipxe-script",
  "no-progress",
] as const;

/** StuckCode names a cause; the fatal ones need a fix before the node can go on. */
export type StuckCode = (typeof STUCK_CODES)[number];

/** Stuck is a node's current cause, in one line, with what to check. */
export interface Stuck {
  cause: StuckCode;
  fatal: boolean;
  message: string;
  hint: string;
}

/** StuckOptions sets the quiet spells (ms) after which a node counts as stuck. */
export interface StuckOptions {
  /** Firmware and iPXE steps take seconds: a PXE step quiet this long has failed. */
  bootStepMs: number;
  /** Any stage quiet this long (downloads and installs take minutes). */
  stallMs: number;
  /**
   * A fatal cause fails the node once it has stood this long: firmware retries, and someone
   * may fix the config while watching. Until then the node is stuck, not failed.
   */
  failAfterMs: number;
}

/** DEFAULT_STUCK_OPTIONS: 2 minutes for a PXE step, 10 minutes for any stage, failed after 1 minute. */
export const DEFAULT_STUCK_OPTIONS: StuckOptions = { bootStepMs: 2 * 60_000, stallMs: 10 * 60_000, failAfterMs: 60_000 };

/** ProblemFact is a line that proves a node cannot go on; it holds until the node moves. */
export interface ProblemFact {
  cause: Exclude<StuckCode, "install-loop" | "no-boot-file-request" | "secure-boot-refused" | "no-ipxe" | "no-ipxe-script" | "no-progress">;
  at: number;
  detail: string;
}

/** StuckFacts is what the detector looks at for one node. */
export interface StuckFacts {
  status: BootStatus;
  done: boolean;
  problem: ProblemFact | undefined;
  /** Set when the install config was fetched again before the node booted its disk. */
  installLoop: { count: number } | undefined;
  offeredBootFile: string | undefined;
  /** The client architecture from the PXE vendor class (0 BIOS, 7/9 UEFI x64, 11 UEFI arm64). */
  arch: number | undefined;
  /** When iPXE last fetched its script in this boot, if it did. */
  ipxeScriptAt: number | undefined;
  /** The last boot file TFTP sent the node, across boot cycles (firmware that refuses one goes on to its next boot option). */
  bootFileSent?: { file: string; at: number };
}

/** stuckOf is the node's current cause at `now`, or undefined while it moves normally. */
export function stuckOf(f: StuckFacts, now: number, o: StuckOptions): Stuck | undefined {
  if (f.installLoop) return installLoop(f.installLoop.count);
  if (f.problem) return problemStuck(f.problem);
  if (f.done) return undefined;
  const quiet = now - f.status.since;
  const stage = f.status.stage;
  if (quiet >= o.bootStepMs) {
    const refused = secureBootRefused(f);
    if (refused) return refused;
    if (stage === "dhcp") return noBootFileRequest(f);
    if (stage === "boot-file") return noIpxe(f);
    if (stage === "ipxe" && (f.ipxeScriptAt === undefined || f.ipxeScriptAt < f.status.since)) return noIpxeScript(f);
  }
  if (quiet >= o.stallMs) return { cause: "no-progress", fatal: false, message: `no progress for ${formatDuration(quiet)} in stage ${stage}`, hint: STALL_HINTS[stage] };
  return undefined;
}

function installLoop(count: number): Stuck {
  return {
    cause: "install-loop",
    fatal: true,
    message: `install loop: the install config was fetched ${count} times without the node booting its installed system`,
    hint: "make the machine boot from its disk first (or let pxectl switch its group to boot locally); if it reboots mid-install, read its console",
  };
}

function problemStuck(p: ProblemFact): Stuck {
  const hints: Record<ProblemFact["cause"], string> = {
    "boot-file-missing": "put the iPXE binaries into dnsmasq's tftp-root (undionly.kpxe for BIOS, ipxe.efi for UEFI; shimx64.efi and grubx64.efi for Secure Boot) or fix dhcp-boot",
    "no-grub-config": "register the machine with --boot-loader grub and run pxectl profile apply, which writes its GRUB config into the TFTP root",
    "no-matching-group": "add a group whose selector matches this machine (pxectl profile apply), or a default group without a selector",
    "no-matching-profile": "add a group whose selector matches this machine and whose profile exists (pxectl profile apply)",
    "missing-profile": "the matching group names a profile matchbox does not have: pxectl profile apply",
    "missing-template": "the profile names a config matchbox does not have: pxectl profile apply",
    "template-error": "fix the template the matching profile uses; pxectl profile plan shows rendering errors before the machines do",
  };
  return { cause: p.cause, fatal: true, message: p.detail, hint: hints[p.cause] };
}

const ARCH_FILES: Record<number, string> = { 0: "undionly.kpxe (BIOS)", 6: "ipxe-i386.efi (UEFI ia32)", 7: "ipxe.efi (UEFI x86-64)", 9: "ipxe.efi (UEFI x86-64)", 11: "ipxe-arm64.efi (UEFI arm64)" };

function noBootFileRequest(f: StuckFacts): Stuck {
  const wants = f.arch === undefined ? undefined : ARCH_FILES[f.arch];
  const client = f.arch === undefined ? "the client" : `the client (arch ${f.arch}${wants ? `, wants ${wants}` : ""})`;
  if (f.offeredBootFile === undefined) {
    return { cause: "no-boot-file-request", fatal: false, message: `${client} got no boot file`, hint: "no dhcp-boot line matched its tags: add one for its architecture (tag:bios, tag:efi64, ...)" };
  }
  if (/^https?:/.test(f.offeredBootFile)) {
    return { cause: "no-boot-file-request", fatal: false, message: `iPXE was offered ${f.offeredBootFile} but never fetched its script from matchbox`, hint: "check that matchbox's HTTP endpoint is reachable from the nodes' network at that address" };
  }
  const mismatch = f.arch !== undefined && (f.arch === 0 ? f.offeredBootFile.endsWith(".efi") : /\.k?pxe$/.test(f.offeredBootFile));
  return {
    cause: "no-boot-file-request",
    fatal: false,
    message: `${client} was offered ${f.offeredBootFile} but never fetched it over TFTP${mismatch ? ": that file does not suit its firmware" : ""}`,
    hint: "BIOS firmware needs undionly.kpxe and UEFI needs ipxe.efi: match dhcp-boot on option:client-arch; check that TFTP (udp/69) reaches dnsmasq",
  };
}

function noIpxe(f: StuckFacts): Stuck {
  return {
    cause: "no-ipxe",
    fatal: false,
    message: `the boot file${f.offeredBootFile ? ` ${f.offeredBootFile}` : ""} was sent but iPXE never asked for an address`,
    hint: "the file may not suit the firmware (BIOS: undionly.kpxe, UEFI: ipxe.efi; Secure Boot refuses unsigned iPXE): read the node's console",
  };
}

function noIpxeScript(f: StuckFacts): Stuck {
  const offered = f.offeredBootFile && /^https?:/.test(f.offeredBootFile) ? ` (offered ${f.offeredBootFile})` : "";
  return {
    cause: "no-ipxe-script",
    fatal: false,
    message: `iPXE got an address but never fetched its script from matchbox${offered}`,
    hint: "dnsmasq must hand iPXE matchbox's boot.ipxe (dhcp-userclass=set:ipxe,iPXE, dhcp-boot=tag:ipxe,http://...:8080/boot.ipxe) and matchbox must be reachable",
  };
}

const STALL_HINTS: Record<Stage, string> = {
  waiting: "is it powered on, on the nodes' network, and set to boot from the network?",
  "powered-on": "is it set to boot from the network, on the nodes' network?",
  dhcp: "read the node's console",
  "boot-file": "read the node's console",
  grub: "GRUB did not fetch grub/grub.cfg and the node's config over TFTP: read the node's console",
  "grub-config": "GRUB did not fetch the kernel: read the node's console (GRUB prints the failed step)",
  ipxe: "read the node's console: iPXE shows which download failed",
  kernel: "the initrd download may have failed: read the node's console",
  initrd: "the kernel may not boot or find its config: read the node's console",
  "install-config": "the system from RAM did not come up: read the node's console",
  installing: "the installer is slow or failed (image download under matchbox's assets?): read the node's console",
  "installed-config": "the installer did not finish or reboot: read the node's console",
  rebooting: "the machine did not come back from its disk: check its boot order and console",
  installed: "the installed system does not answer SSH: check its network and SSH key",
  ready: "",
};

/**
 * secureBootRefused names Secure Boot where the evidence points there: UEFI firmware that
 * fetched unsigned iPXE and never ran it, shim that never asked for GRUB, or a kernel GRUB
 * fetched that never came up (shim checks its signature).
 */
function secureBootRefused(f: StuckFacts): Stuck | undefined {
  const stage = f.status.stage;
  // in dhcp, only a file sent in the cycle just before counts: the firmware went on to its next option
  const recent = f.bootFileSent !== undefined && (stage !== "dhcp" || f.bootFileSent.at >= f.status.since - 60_000);
  const sent = recent ? f.bootFileSent!.file : "";
  const hint = "Secure Boot needs every step signed: shim (Microsoft), GRUB (Debian), a kernel signed by a key shim trusts; read the node's console (firmware: Access Denied, GRUB: bad shim signature)";
  // UEFI firmware (arch 7 or 9; 16 is its HTTP boot, the option after PXE) that fetched iPXE and never ran it
  const uefi = f.arch === 7 || f.arch === 9 || f.arch === 16;
  if ((stage === "boot-file" || stage === "dhcp") && /^ipxe[^/]*\.efi$/.test(sent) && uefi) {
    return {
      cause: "secure-boot-refused",
      fatal: false,
      message: `UEFI firmware fetched ${sent} but iPXE never started${stage === "dhcp" ? " (the firmware went on to its next boot option)" : ""}: with Secure Boot on, the firmware refuses Debian's unsigned iPXE`,
      hint: "boot it through shim and GRUB: pxectl node add --mac ... --boot-loader grub (or nodes.boot_loader: grub), or turn Secure Boot off",
    };
  }
  if ((stage === "boot-file" || stage === "dhcp") && /^shim[^/]*\.efi$/.test(sent)) {
    return { cause: "secure-boot-refused", fatal: false, message: `shim (${sent}) was sent but never asked for GRUB: the firmware refused shim or shim refused to start`, hint };
  }
  const viaGrub = f.status.history.some((r) => r.stage === "grub-config");
  if (viaGrub && (stage === "kernel" || stage === "initrd")) {
    return { cause: "secure-boot-refused", fatal: false, message: `GRUB fetched the ${stage} and nothing followed: shim may have refused a kernel not signed by a key it trusts`, hint };
  }
  return undefined;
}
