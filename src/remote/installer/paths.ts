// Where things live on the matchbox host: one table, used by the installer, and by
// status and watch to find the services and files it made.

/** HOST_PATHS are the files and folders the installer writes. */
export const HOST_PATHS = {
  matchboxBinary: "/usr/local/bin/matchbox",
  matchboxUnit: "/etc/systemd/system/matchbox.service",
  matchboxDropIn: "/etc/systemd/system/matchbox.service.d/pxectl.conf",
  matchboxData: "/var/lib/matchbox",
  matchboxAssets: "/var/lib/matchbox/assets",
  /** served as /assets/pxectl/localboot.ipxe: installed nodes' answer (LOCALBOOT_ASSET in src/nodes). */
  localbootScript: "/var/lib/matchbox/assets/pxectl/localboot.ipxe",
  matchboxTls: "/etc/matchbox",
  caCert: "/etc/matchbox/ca.crt",
  serverCert: "/etc/matchbox/server.crt",
  serverKey: "/etc/matchbox/server.key",
  pxectlConfig: "/etc/pxectl",
  pxectlState: "/var/lib/pxectl",
  dnsmasqConfig: "/etc/pxectl/dnsmasq.conf",
  dnsmasqUnit: "/etc/systemd/system/pxectl-dnsmasq.service",
  /** dnsmasq.conf's dhcp-leasefile: node list reads addresses from it. */
  dnsmasqLeases: "/var/lib/pxectl/dnsmasq.leases",
  tftpRoot: "/var/lib/tftpboot",
  /** dnsmasq's dhcp-hostsdir: one file per node that boots shim and GRUB (Secure Boot). */
  dhcpHosts: "/var/lib/pxectl/dhcp-hosts",
  natRules: "/etc/pxectl/nat.nft",
  natUnit: "/etc/systemd/system/pxectl-nat.service",
  ipForward: "/etc/sysctl.d/90-pxectl-forward.conf",
} as const;

/** MATCHBOX_DATA_FOLDERS are matchbox's storage folders (matchbox/storage's file store). */
export const MATCHBOX_DATA_FOLDERS = ["assets", "profiles", "groups", "ignition", "generic"] as const;

/** UNITS are the systemd units pxectl installs; watch follows the first two in the journal. */
export const UNITS = { matchbox: "matchbox.service", dnsmasq: "pxectl-dnsmasq.service", nat: "pxectl-nat.service" } as const;

/** SERVICE_FILES are the files each unit reads: when one changes, the unit restarts. */
export const SERVICE_FILES: Readonly<Record<(typeof UNITS)[keyof typeof UNITS], readonly string[]>> = {
  [UNITS.matchbox]: [HOST_PATHS.matchboxBinary, HOST_PATHS.caCert, HOST_PATHS.serverCert, HOST_PATHS.serverKey, HOST_PATHS.matchboxUnit, HOST_PATHS.matchboxDropIn],
  [UNITS.dnsmasq]: [HOST_PATHS.dnsmasqConfig, HOST_PATHS.dnsmasqUnit],
  [UNITS.nat]: [HOST_PATHS.natRules, HOST_PATHS.natUnit],
};

/** UNIT_FILES are the unit files and drop-ins: when one changes, systemd must reload. */
export const UNIT_FILES: readonly string[] = [HOST_PATHS.matchboxUnit, HOST_PATHS.matchboxDropIn, HOST_PATHS.dnsmasqUnit, HOST_PATHS.natUnit];
