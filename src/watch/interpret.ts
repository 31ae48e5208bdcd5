// The meaning of an observation for a node: which stage it puts the node in. The same line
// means different things at different points: a firmware DHCP request starts a boot, unless
// the installer just finished (then it is the reboot); an OS asking for a lease is the live
// installer coming up, or the installed system booting from disk.
import { type BootStatus, type Stage, stageIndex } from "./lifecycle";
import type { DhcpClient, Observation } from "./observations";
import { classifyRequest } from "./requests";

/** NodeContext is what interpretation needs to know about a node besides its stage. */
export interface NodeContext {
  status: BootStatus;
  /** The installer fetched the installed config (this session) or the registry says installed. */
  diskInstalled: boolean;
  /** When the cloud last reported the server off, if it did. */
  poweredOffAt: number | undefined;
  /** When a kernel or initrd was last attributed to the node, if ever. */
  kernelAt: number | undefined;
}

const BOOT_DHCP = new Set(["DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST", "DHCPACK", "BOOTP", "PXE"]);

// After the installer fetched the installed config, network-boot lines are the machine
// rebooting (a machine whose NIC comes first in the boot order boots through iPXE again).
const inReboot = (stage: Stage) => stage === "installed-config" || stage === "rebooting";

const before = (stage: Stage, than: Stage) => stageIndex(stage) < stageIndex(than);

/**
 * HostView is what the host's logs can show. With proxy DHCP another server leases the
 * addresses and the host's dnsmasq never sees the installed system ask for one; what is left
 * is the node network-booting after its install and matchbox sending it to its disk (the
 * install-loop guard's answer), which then counts as installed.
 */
export interface HostView {
  installedOnBootScript: boolean;
}

const FULL_DHCP: HostView = { installedOnBootScript: false };

/** targetStage is the stage an observation puts the node in, or undefined when it moves nothing. */
export function targetStage(o: Observation, node: NodeContext, host: HostView = FULL_DHCP): Stage | undefined {
  const stage = node.status.stage;
  switch (o.kind) {
    case "dhcp":
      return dhcpTarget(o.message, effectiveClient(o.client, stage), node);
    case "tftp":
      if (o.event !== "sent") return undefined;
      return inReboot(stage) ? "rebooting" : tftpStage(o.path ?? "");
    case "request":
      switch (o.request) {
        case "boot-script":
        case "ipxe-script":
        case "kernel":
        case "initrd": {
          if (inReboot(stage)) return o.request === "ipxe-script" && host.installedOnBootScript ? "installed" : "rebooting";
          return o.request === "boot-script" || o.request === "ipxe-script" ? "ipxe" : o.request;
        }
        case "install-config":
        case "installed-config":
          return o.request;
        case "install-image":
          return "installing";
        case "other":
          return undefined;
      }
      return undefined;
    case "power":
      if (o.state === "off") return undefined;
      // A poll that finds the server on says nothing new unless it was seen off since the stage began.
      return stage === "waiting" || (node.poweredOffAt !== undefined && node.poweredOffAt >= node.status.since) ? "powered-on" : undefined;
    case "ready":
      return stage === "installed" || stage === "ready" ? "ready" : undefined;
    case "boot-file-offered":
    case "matchbox-problem":
      return undefined;
  }
}

// Without --log-dhcp nothing tells firmware from an OS: until the kernel is fetched a request
// is taken for the firmware's, from then on for the OS's (after the install, a machine that
// network-boots first then counts as installed a little early; one booting its disk, on time).
function effectiveClient(client: DhcpClient, stage: Stage): Exclude<DhcpClient, "unknown"> {
  if (client !== "unknown") return client;
  return before(stage, "kernel") ? "pxe" : "os";
}

function dhcpTarget(message: string, client: "pxe" | "ipxe" | "os", node: NodeContext): Stage | undefined {
  const { stage } = node.status;
  if (client === "os") return osDhcpTarget(message, node);
  if (!BOOT_DHCP.has(message)) return undefined;
  if (inReboot(stage)) return "rebooting";
  if (client === "ipxe") {
    // iPXE loaded over TFTP asks again: the chain goes on. In dhcp or ipxe the same boot
    // continues (an iPXE ROM is firmware and iPXE at once).
    if (stage === "boot-file") return "ipxe";
    if (stage === "dhcp" || stage === "ipxe") return undefined;
  }
  return "dhcp";
}

function osDhcpTarget(message: string, node: NodeContext): Stage | undefined {
  const { stage, history } = node.status;
  // The live system releases its lease when it shuts down to reboot into the installed one.
  if (message === "DHCPRELEASE") return stage === "installing" || stage === "installed-config" ? "rebooting" : undefined;
  // A fresh boot starts with DISCOVER; a lease renewal (REQUEST alone) says nothing.
  if (message !== "DHCPDISCOVER") return undefined;
  if (stage === "install-config") return "installing";
  if (!node.diskInstalled) return undefined;
  // A machine that network-boots after its install and loads a kernel again runs the
  // installer again: its lease is the installer's (an install loop shows next), not the disk's.
  if (inReboot(stage)) return node.kernelAt !== undefined && node.kernelAt >= node.status.since ? undefined : "installed";
  if (stage === "waiting" || stage === "powered-on") return "installed";
  // Network-booted into a local-disk boot script: no kernel fetched in this cycle.
  const pxeBooted = history.some((r) => r.stage === "kernel" || r.stage === "initrd");
  return before(stage, "kernel") && !pxeBooted ? "installed" : undefined;
}

/**
 * tftpStage is the step a file sent over TFTP belongs to: the boot file (iPXE or shim), GRUB
 * (what shim loads), the node's GRUB config, or the kernel and initrd GRUB fetches from the
 * assets (the TFTP root links to matchbox's).
 */
export function tftpStage(path: string): Stage {
  if (/(?:^|\/)grubx64\.efi$/.test(path)) return "grub";
  if (/(?:^|\/)grub\/nodes\/[^/]+\.cfg$/.test(path)) return "grub-config";
  const asset = path.indexOf("/assets/");
  if (asset >= 0) {
    const kind = classifyRequest(path.slice(asset), {});
    if (kind === "kernel" || kind === "initrd") return kind;
  }
  return "boot-file";
}
