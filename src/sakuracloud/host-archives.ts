// The public archives pxectl installs the matchbox host from, as host.archive names them:
// the tag SakuraCloud moves to each new point release (iaas-api-go ostype), and what differs
// between them for pxectl: who logs in (SakuraCloud's default user for the distribution) and
// how the switch-side NIC gets its address.

/** HOST_ARCHIVES are the values of sakuracloud.host.archive in pxectl.yaml. */
export const HOST_ARCHIVES = {
  "ubuntu-24.04": { tag: "ubuntu-24.04-latest", title: "Ubuntu 24.04", sshUser: "ubuntu", switchNic: "netplan" },
  // SakuraCloud logs in as root on every distribution but Ubuntu (usacloud server_user_name.go)
  "debian-12": { tag: "debian-12-latest", title: "Debian 12", sshUser: "root", switchNic: "networkd" },
} as const satisfies Record<string, { tag: string; title: string; sshUser: string; switchNic: "netplan" | "networkd" }>;

/** HostArchive is a host.archive value. */
export type HostArchive = keyof typeof HOST_ARCHIVES;

/** DEFAULT_HOST_ARCHIVE is used when pxectl.yaml names none. */
export const DEFAULT_HOST_ARCHIVE: HostArchive = "ubuntu-24.04";

/** hostArchive describes a host.archive value. */
export function hostArchive(archive: HostArchive) {
  return HOST_ARCHIVES[archive];
}
