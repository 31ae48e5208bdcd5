// The Secure Boot chain on the host: shim and Debian's (or Ubuntu's) signed network GRUB
// copied from their packages into the TFTP root, GRUB's first config, the link that lets
// GRUB fetch matchbox's assets over TFTP, and, per node that boots GRUB, its dnsmasq tag
// (a dhcp-hostsdir file) and its GRUB config. The per-node files follow the registered
// nodes: pxectl writes them after each push (node add, profile apply, ...), over SSH.
import { posix } from "node:path";
import { GRUB_MAIN_CONFIG, GRUB_TFTP, type GrubNodeFiles, SIGNED_BOOT_FILES, grubHostsFile, grubNodeFile } from "../../nodes/grub";
import { quote, quoteAll } from "../shell";
import { type DesiredFile, FileSet } from "./files";
import { ensureFolders } from "./folders";
import { copyPackageFiles } from "./ipxe";
import { HOST_PATHS, UNITS } from "./paths";
import type { StepResult } from "./step";
import type { Target } from "./target";

const tftp = (path: string) => posix.join(HOST_PATHS.tftpRoot, path);

/** ensureSecureBootFiles puts shim, GRUB, GRUB's first config and the assets link into the TFTP root. */
export async function ensureSecureBootFiles(target: Target): Promise<StepResult> {
  const { copies, copied } = await copyPackageFiles(target, SIGNED_BOOT_FILES, { what: "Secure Boot", hint: "install the shim-signed and grub-efi-amd64-signed packages" });
  const folders = await ensureFolders(target, [
    { path: tftp("grub"), mode: 0o755 },
    { path: tftp(GRUB_TFTP.nodesDir), mode: 0o755 },
    { path: HOST_PATHS.dhcpHosts, mode: 0o755 },
  ]);
  const config = await FileSet.plan(target, [{ path: tftp(GRUB_TFTP.mainConfig), content: GRUB_MAIN_CONFIG, mode: 0o644 }]);
  await (await config.apply()).finish();
  // matchbox's /assets/... paths name the same files over TFTP (GRUB has no HTTP)
  const link = quote(target.path(tftp(GRUB_TFTP.assets)));
  const linked = (
    await target.run(`if [ "$(readlink ${link})" != ${quote(HOST_PATHS.matchboxAssets)} ]; then ln -sfn ${quote(HOST_PATHS.matchboxAssets)} ${link} && echo linked; fi`, {
      label: `link ${tftp(GRUB_TFTP.assets)} to matchbox's assets`,
    })
  ).stdout.includes("linked");
  const details = [
    ...copies.map(({ name, from }) => `${copied.includes(name) ? "copied" : "up to date:"} ${name} (from ${from})`),
    ...folders.details,
    ...(config.changed.length > 0 ? [`wrote ${tftp(GRUB_TFTP.mainConfig)}`] : []),
    ...(linked ? [`linked ${tftp(GRUB_TFTP.assets)} to ${HOST_PATHS.matchboxAssets}`] : []),
  ];
  return { changed: copied.length > 0 || folders.changed || config.changed.length > 0 || linked, details };
}

/** GrubNodesResult says what syncGrubNodeFiles wrote and removed (host paths). */
export interface GrubNodesResult extends StepResult {
  written: string[];
  removed: string[];
}

/**
 * syncGrubNodeFiles makes the host's per-node Secure Boot files exactly these nodes': each
 * node's dhcp-hostsdir file and GRUB config are written when they differ, every other
 * node's are removed. dnsmasq reads new files in its dhcp-hostsdir by itself but forgets a
 * removed one only on SIGHUP or a restart; Debian 12's dnsmasq 2.90 aborts on SIGHUP once a
 * host of its dhcp-hostsdir holds a lease, so a removal restarts it (leases are kept in its
 * lease file). Safe to repeat.
 */
export async function syncGrubNodeFiles(target: Target, nodes: readonly GrubNodeFiles[]): Promise<GrubNodesResult> {
  const desired: DesiredFile[] = nodes.flatMap((n) => {
    const tag = grubHostsFile(n.mac);
    const files: DesiredFile[] = [{ path: posix.join(HOST_PATHS.dhcpHosts, tag.name), content: tag.content, mode: 0o644 }];
    if (n.config !== undefined) files.push({ path: tftp(grubNodeFile(n.mac)), content: n.config, mode: 0o644 });
    return files;
  });
  const set = await FileSet.plan(target, desired);
  await (await set.apply()).finish();
  const keep = new Set(desired.map((f) => target.path(f.path)));
  const dirs = [target.path(HOST_PATHS.dhcpHosts), target.path(tftp(GRUB_TFTP.nodesDir))];
  // only plain names: staged files (.name.pxectl-new) of an interrupted write go too
  const listed = (await target.run(`for d in ${quoteAll(dirs)}; do if [ -d "$d" ]; then find "$d" -mindepth 1 -maxdepth 1 -type f; fi; done`, { label: "list the nodes' Secure Boot files" })).stdout
    .split("\n")
    .filter(Boolean);
  const stale = listed.filter((p) => !keep.has(p));
  if (stale.length > 0) await target.run(`rm -f -- ${quoteAll(stale)}`, { label: "remove other nodes' Secure Boot files" });
  const untagged = stale.some((p) => p.startsWith(`${dirs[0]}/`) && !posix.basename(p).startsWith("."));
  if (untagged) await target.act(target.systemctl("try-restart", UNITS.dnsmasq), { label: "restart dnsmasq: forget removed hosts" });
  const written = set.changed.map((f) => f.path);
  const removed = stale.map((p) => (target.live ? p : "/" + posix.relative(target.root, p)));
  const details = [...written.map((p) => `wrote ${p}`), ...removed.map((p) => `removed ${p}`)];
  return { changed: details.length > 0, details: details.length > 0 ? details : [`${nodes.length} GRUB node${nodes.length === 1 ? "'s" : "s'"} files are up to date`], written, removed };
}
