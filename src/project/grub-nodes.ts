// The per-node half of the Secure Boot chain, kept in step with the registered nodes: for
// each node that boots GRUB, its dnsmasq tag and its GRUB config (matchbox's /grub answer,
// rendered for TFTP). In the lab they are files in the lab's folder; on a real host they
// are written over SSH (host key pinned, as every command after init connects) after each
// push: node add, node remove, profile apply, watch's own pushes.
import { createHash } from "node:crypto";
import type { ProjectConfig } from "../config/project";
import type { StateStore } from "../config/state";
import { RemoteError } from "../core/errors";
import { connectRecordedHost } from "../environment/reach";
import { labOf } from "../lab/state";
import { type Desired, matchboxHttpEndpoint } from "../matchbox/apply";
import { type GrubNodeFiles, bootLoaderOf, renderGrubForNode } from "../nodes/grub";
import { loadDesired } from "./load";
import type { Session } from "./session";

/** grubNodeFiles renders each GRUB node's files from the profile directory (loaded unless given). */
async function grubNodeFiles(ctx: Session, store: StateStore, config: ProjectConfig, desired?: Desired): Promise<GrubNodeFiles[]> {
  const grub = Object.values(store.state.nodes).filter((n) => bootLoaderOf(n, config.nodes) === "grub");
  if (grub.length === 0) return [];
  const d = desired ?? (await loadDesired(ctx, undefined, { warn: false })).desired;
  const content = { groups: [...d.groups.values()], profile: (id: string) => d.profiles.get(id), ignition: () => undefined };
  const http = matchboxHttpEndpoint(config);
  return grub
    .map((n) => {
      const rendering = renderGrubForNode(content, n.mac, http);
      if (rendering.problem) ctx.out.warn(`node ${n.mac}: ${rendering.problem}`);
      return { mac: n.mac.toLowerCase(), config: rendering.tftp };
    })
    .sort((a, b) => a.mac.localeCompare(b.mac));
}

/**
 * syncGrubNodes writes each GRUB node's files where its dnsmasq and TFTP are (the lab's
 * folder, or the host over SSH) and removes other nodes'. On a host it connects only when
 * the files differ from the last ones it wrote there (state host.grub_nodes, a digest), so a
 * project without GRUB nodes never connects; init forgets the digest, as a rebuilt host has none.
 */
export async function syncGrubNodes(ctx: Session, store: StateStore, config: ProjectConfig, desired?: Desired): Promise<void> {
  const lab = labOf(store.state);
  if (lab) {
    const { writeGrubNodes } = await import("../lab/lab");
    return writeGrubNodes(lab, await grubNodeFiles(ctx, store, config, desired));
  }
  const host = store.state.host;
  if (!host?.address || !host.ssh_host_key) return;
  const nodes = await grubNodeFiles(ctx, store, config, desired);
  const digest = createHash("sha256").update(JSON.stringify(nodes)).digest("hex").slice(0, 16);
  const recorded = host.grub_nodes as string | undefined;
  if (recorded === digest || (recorded === undefined && nodes.length === 0)) return;
  const { Target, syncGrubNodeFiles } = await import("../remote/installer");
  try {
    const remote = await connectRecordedHost(ctx);
    const result = await syncGrubNodeFiles(new Target(remote, (host.installed_under as string | undefined) ?? "/"), nodes);
    for (const line of result.details) ctx.out.logOnly(`secure boot: ${line}`);
  } catch (e) {
    throw new RemoteError(`matchbox has the change, but the host's Secure Boot files for GRUB nodes were not written: ${e instanceof Error ? e.message : String(e)}`, {
      hint: "run pxectl profile apply again when the host answers SSH",
      cause: e,
    });
  }
  await store.update((s) => void (s.host = { ...s.host, grub_nodes: digest }));
}
