// The boot lifecycle of one node: the stages a network install goes through, the table of
// expected moves between them, and the one function that decides every move. Log lines
// arrive twice, late or with gaps, so every (from, to) pair has an explicit outcome.

/** STAGES lists every stage in boot order; the order decides what "later" means. */
export const STAGES = [
  "waiting",
  "powered-on",
  "dhcp",
  "boot-file",
  "ipxe",
  "grub",
  "grub-config",
  "kernel",
  "initrd",
  "install-config",
  "installing",
  "installed-config",
  "rebooting",
  "installed",
  "ready",
] as const;

/** Stage is where a node is in its network install. */
export type Stage = (typeof STAGES)[number];

/** STAGE_INFO says, per stage, what was seen for a node to be in it. */
export const STAGE_INFO: Record<Stage, string> = {
  waiting: "registered; nothing seen yet",
  "powered-on": "the cloud reports the server powered on",
  dhcp: "firmware (PXE or iPXE ROM) asked dnsmasq for an address",
  "boot-file": "dnsmasq sent the boot file (iPXE, or shim for Secure Boot) over TFTP",
  ipxe: "iPXE runs: it asked for an address or fetched its script from matchbox",
  grub: "shim runs: it fetched GRUB over TFTP (Secure Boot chain)",
  "grub-config": "GRUB runs: it fetched the node's GRUB config (matchbox's /grub answer) over TFTP",
  kernel: "the kernel was fetched from matchbox's assets (over TFTP by GRUB)",
  initrd: "the initrd was fetched from matchbox's assets (over TFTP by GRUB)",
  "install-config": "Ignition fetched the install config (stage 0)",
  installing: "the system running from RAM is up and installing",
  "installed-config": "the installer fetched the installed system's config (os=installed)",
  rebooting: "the installer is done and the machine reboots",
  installed: "the installed system booted from disk",
  ready: "the installed system answers SSH",
};

/**
 * NEXT lists the expected successors of each stage: the paths of a healthy install.
 * A later stage that is not listed is still accepted (a "skip": lines nobody could
 * attribute, such as kernel fetches that carry no MAC, or a watch started mid-boot).
 */
export const NEXT: Record<Stage, readonly Stage[]> = {
  waiting: ["powered-on", "dhcp"],
  "powered-on": ["dhcp"],
  dhcp: ["boot-file", "ipxe"], // ipxe: the firmware is iPXE itself (no TFTP step)
  "boot-file": ["ipxe", "grub"], // grub: shim fetched GRUB
  ipxe: ["kernel"],
  grub: ["grub-config"],
  "grub-config": ["kernel"],
  kernel: ["initrd"],
  initrd: ["install-config"],
  "install-config": ["installing"],
  installing: ["installed-config"],
  "installed-config": ["rebooting"],
  rebooting: ["installed"],
  installed: ["ready"],
  ready: [],
};

/**
 * CYCLE_STARTS are the stages that begin a new boot cycle when seen again later: a power
 * on, a firmware DHCP request, or the install config fetched again (a reinstall, or an
 * install loop when the machine network-boots instead of booting its disk).
 */
export const CYCLE_STARTS: ReadonlySet<Stage> = new Set<Stage>(["powered-on", "dhcp", "install-config"]);

/** Move is what a transition did: the full STATES x STATES matrix is in the tests. */
export type Move =
  | "duplicate" // the node is already in that stage: no-op
  | "advance" // an expected successor
  | "skip" // a later stage, with the stages between never seen
  | "restart" // a new boot cycle began (see CYCLE_STARTS)
  | "stale"; // an earlier stage or an older line: ignored

/** StageRecord is one stage of a boot cycle and when it began (ms since the epoch). */
export interface StageRecord {
  stage: Stage;
  at: number;
}

/** BootStatus is a node's position in the lifecycle; history holds the current cycle. */
export interface BootStatus {
  readonly stage: Stage;
  /** When the stage began; for a stage not seen (see `seen`), when the watch began. */
  readonly since: number;
  /**
   * False while the node is in the stage it started in (waiting, or one recorded by an earlier
   * run): nobody saw it begin, so no line is too old or too early for it.
   */
  readonly seen: boolean;
  /** 1 for the first boot seen; each restart adds one. */
  readonly cycle: number;
  readonly history: readonly StageRecord[];
}

/** TransitionResult is the new status, the move made and the stages skipped over. */
export interface TransitionResult {
  status: BootStatus;
  move: Move;
  skipped: Stage[];
}

const ORDER: ReadonlyMap<Stage, number> = new Map(STAGES.map((s, i) => [s, i]));

/** stageIndex is a stage's position in STAGES. */
export function stageIndex(stage: Stage): number {
  return ORDER.get(stage)!;
}

/** initialStatus is a node not seen yet, or one known to be in `stage` already. */
export function initialStatus(at: number, stage: Stage = "waiting"): BootStatus {
  return { stage, since: at, seen: false, cycle: stage === "waiting" ? 0 : 1, history: [{ stage, at }] };
}

/**
 * moveOf classifies moving from one stage to another at `at`, for a stage entered at `since`
 * (or, when not `seen`, one whose start nobody saw: the host's clock may also lag ours).
 */
export function moveOf(from: Stage, to: Stage, at: number, since: number, seen = true): Move {
  if (from === to) return "duplicate";
  // A line older than the stage the node is in describes the past (late delivery, replay).
  if (seen && at < since) return "stale";
  const forward = stageIndex(to) > stageIndex(from);
  if (forward) return NEXT[from].includes(to) ? "advance" : "skip";
  // Strictly later: a boot start logged in the same instant is the same boot, delivered late.
  return CYCLE_STARTS.has(to) && (!seen || at > since) ? "restart" : "stale";
}

/** transition moves a node to stage `to` seen at `at`; duplicate and stale moves change nothing. */
export function transition(status: BootStatus, to: Stage, at: number): TransitionResult {
  const move = moveOf(status.stage, to, at, status.since, status.seen);
  switch (move) {
    case "duplicate":
    case "stale":
      return { status, move, skipped: [] };
    case "restart":
      return { status: { stage: to, since: at, seen: true, cycle: status.cycle + 1, history: [{ stage: to, at }] }, move, skipped: [] };
    case "advance":
    case "skip": {
      const skipped = move === "skip" ? onPath(STAGES.slice(stageIndex(status.stage) + 1, stageIndex(to)), status.history, to) : [];
      const cycle = status.cycle === 0 ? 1 : status.cycle;
      return { status: { stage: to, since: at, seen: true, cycle, history: [...status.history, { stage: to, at }] }, move, skipped };
    }
  }
}

/** StageSpan is a stage of the current cycle with its duration (open for the current stage). */
export interface StageSpan extends StageRecord {
  durationMs: number;
}

/** stageSpans gives each stage of the current cycle its duration, the last one up to `now`. */
export function stageSpans(status: BootStatus, now: number): StageSpan[] {
  return status.history.map((r, i) => ({ ...r, durationMs: Math.max(0, (status.history[i + 1]?.at ?? now) - r.at) }));
}

const GRUB_BRANCH: ReadonlySet<Stage> = new Set<Stage>(["grub", "grub-config"]);

/** onPath keeps the skipped stages of the branch this boot took: iPXE's, or shim and GRUB's once seen. */
function onPath(between: readonly Stage[], history: readonly StageRecord[], to: Stage): Stage[] {
  const viaGrub = GRUB_BRANCH.has(to) || history.some((r) => GRUB_BRANCH.has(r.stage));
  return between.filter((s) => (viaGrub ? s !== "ipxe" : !GRUB_BRANCH.has(s)));
}
