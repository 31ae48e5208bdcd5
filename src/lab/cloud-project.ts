// The project `pxectl lab up --host vm` writes: an ordinary SakuraCloud project (provider
// sakuracloud, a Debian 12 host, the operator's address in allow_from) aimed at the
// machine-backed SakuraCloud test server, with the boot lab's profiles so the nodes install
// the lab's tiny OS. init, node add --create, watch and destroy then run as on SakuraCloud.
import { stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { labEnvName, writeLabProfiles } from "./project";

export interface CloudLabProject {
  /** The address the operator's traffic comes from, as the cloud's shared segment sees it. */
  allowFrom: string;
  /** network.forward: nodes reach the uplink through the host's NAT. */
  forward?: boolean;
  dhcp?: "full" | "proxy";
  name?: string;
}

/** cloudLabProjectText is pxectl.yaml for the cloud lab. */
export function cloudLabProjectText(name: string, o: CloudLabProject): string {
  return [
    "# pxectl.yaml for the cloud lab (pxectl lab up --host vm): SakuraCloud replayed on this",
    "# machine. The API is the machine-backed SakuraCloud test server; its servers are QEMU VMs",
    "# in a network namespace of its own. Run pxectl init, node add --create, watch and destroy",
    "# as on SakuraCloud.",
    `name: ${name}`,
    "provider: sakuracloud",
    "sakuracloud:",
    "  zone: is1a",
    `  allow_from: [${o.allowFrom}]`,
    "  host: { archive: debian-12, core: 1, memory_gb: 1 }",
    "network:",
    "  address: 192.168.0.1/24",
    `  dhcp: ${o.dhcp ?? "full"}`,
    ...(o.dhcp === "proxy" ? [] : ["  dhcp_range: { start: 192.168.0.100, end: 192.168.0.199 }"]),
    `  forward: ${o.forward ?? false}`,
    "nodes:",
    "  name_prefix: node",
    "  core: 1",
    "  memory_gb: 1",
    "  install_profile: lab-install",
    "  installed_profile: lab-installed",
    "profiles:",
    "  dir: profiles",
    "variables:",
    "  ssh_authorized_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJmgJ2pDjMq4kUe0hWmXv8L3dJ4b0sUQbQ0uVf1cNk8 lab@example",
    "",
  ].join("\n");
}

/** writeCloudLabProject writes pxectl.yaml and the lab profiles when configPath does not exist; it tells whether it wrote. */
export async function writeCloudLabProject(configPath: string, o: CloudLabProject): Promise<boolean> {
  if (await stat(configPath).then(() => true, () => false)) return false;
  const dir = dirname(configPath);
  await writeLabProfiles(dir);
  await writeFile(configPath, cloudLabProjectText(o.name ?? labEnvName(dir), o));
  return true;
}
