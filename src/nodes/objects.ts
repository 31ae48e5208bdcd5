// The matchbox objects pxectl declares for registered nodes, next to the profile
// directory's: per node an install-stage group (its MAC) and an installed-stage group
// (its MAC and os=installed), and the local-boot profile an installed node's install
// group switches to, so a machine that network-boots first does not reinstall forever.
import { ConfigError } from "../core/errors";
import { closest } from "../core/text";
import type { Located } from "../config/yaml";
import type { NodeRecord } from "../config/state";
import type { DeclaredGroup, DeclaredProfile, ProfileDirectory } from "../matchbox/apply";

export const NODE_GROUP_PREFIX = "pxectl-node-";
export const LOCALBOOT_PROFILE = "pxectl-localboot";
/** Where matchbox serves the local-boot script (the installer writes it into the assets). */
export const LOCALBOOT_ASSET = "/assets/pxectl/localboot.ipxe";

/** NodeDefaults are pxectl.yaml's nodes.install_profile and nodes.installed_profile. */
export interface NodeDefaults {
  install_profile: string;
  installed_profile: string;
}

export const installGroupId = (node: string) => `${NODE_GROUP_PREFIX}${node}`;
export const installedGroupId = (node: string) => `${NODE_GROUP_PREFIX}${node}-installed`;

/** isNodeObject tells the objects pxectl declares for nodes: they go when their node goes. */
export function isNodeObject(kind: "profile" | "group", id: string): boolean {
  return kind === "group" ? id.startsWith(NODE_GROUP_PREFIX) : id === LOCALBOOT_PROFILE;
}

/**
 * installProfileOf is the profile a node's install group boots now: its own, or local boot
 * once the installer has fetched the installed config (its next network boot must not install again).
 */
export function installProfileOf(node: NodeRecord, defaults: NodeDefaults): string {
  return node.stage === "installed" || node.stage === "installed-config" ? LOCALBOOT_PROFILE : ((node.profile as string | undefined) ?? defaults.install_profile);
}

/** withNodes adds the nodes' groups (and the local-boot profile) to a loaded profile directory. */
export function withNodes(dir: ProfileDirectory, nodes: Readonly<Record<string, NodeRecord>>, defaults: NodeDefaults, stateFile: string): ProfileDirectory {
  const entries = Object.entries(nodes);
  if (entries.length === 0) return dir;
  const doc: Located = { file: stateFile, value: null, locate: () => undefined };
  const where = { file: stateFile, doc, index: 0 };
  const declared = new Set(dir.profiles.map((p) => p.id));
  const selectorKey = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k}=${v}`).sort().join(",");
  const taken = new Map(dir.groups.map((g) => [selectorKey(g.selector), g]));
  const groups: DeclaredGroup[] = [];
  for (const [name, node] of entries) {
    const selectors: Array<Record<string, string>> = [{ mac: node.mac }, { mac: node.mac, os: "installed" }];
    for (const selector of selectors) {
      const other = taken.get(selectorKey(selector));
      if (other) {
        throw new ConfigError([{ file: other.where.file, path: `group ${other.id}`, message: `selects ${selectorKey(selector)}, as node ${name}'s group does: matchbox would pick one of them arbitrarily` }], {
          hint: `remove the group from the profile directory, or pxectl node remove ${name}`,
        });
      }
    }
    const install = (node.profile as string | undefined) ?? defaults.install_profile;
    const installed = (node.installed_profile as string | undefined) ?? defaults.installed_profile;
    for (const profile of [install, installed]) {
      if (!declared.has(profile)) {
        const guess = closest(profile, declared);
        throw new ConfigError([{ file: stateFile, path: `nodes.${name}`, message: `node ${name} boots profile "${profile}", which the profile directory does not declare${guess ? `; did you mean "${guess}"?` : ""}` }], {
          hint: "declare it in the profile directory, set nodes.install_profile / nodes.installed_profile in pxectl.yaml, or pass --profile to pxectl node add",
        });
      }
    }
    const metadata = (node.metadata as Record<string, unknown> | undefined) ?? {};
    groups.push(
      { id: installGroupId(name), name, profile: installProfileOf(node, defaults), selector: { mac: node.mac }, metadata, where },
      { id: installedGroupId(name), name, profile: installed, selector: { mac: node.mac, os: "installed" }, metadata, where },
    );
  }
  const localboot: DeclaredProfile = {
    id: LOCALBOOT_PROFILE,
    name: "pxectl: boot from the local disk",
    boot: { kernel: LOCALBOOT_ASSET, initrd: [], args: [] },
    where,
  };
  return { ...dir, profiles: [...dir.profiles, localboot], groups: [...dir.groups, ...groups] };
}
