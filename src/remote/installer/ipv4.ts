// IPv4 addresses as numbers, networks as address/prefix: enough to check that a DHCP range
// sits inside the switch network and to write netmasks and CIDRs into generated files.

/** Ipv4Network is a network with the host address it was written with. */
export interface Ipv4Network {
  /** The address as written, e.g. 192.168.0.1 in 192.168.0.1/24. */
  address: string;
  prefix: number;
  /** The network's first address, e.g. 192.168.0.0. */
  base: string;
  broadcast: string;
  netmask: string;
  /** base/prefix, e.g. 192.168.0.0/24. */
  cidr: string;
}

/** parseIpv4 returns the address as an unsigned 32-bit number, or undefined if it is not one. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** formatIpv4 writes a 32-bit number in dotted form. */
export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** parseNetwork reads "address/prefix"; undefined when either part is invalid. */
export function parseNetwork(text: string): Ipv4Network | undefined {
  const [address = "", prefixText = "", ...rest] = text.split("/");
  const ip = parseIpv4(address);
  const prefix = /^[0-9]{1,2}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (ip === undefined || rest.length > 0 || !(prefix >= 0 && prefix <= 32)) return undefined;
  const size = 2 ** (32 - prefix);
  const base = ip - (ip % size);
  return {
    address,
    prefix,
    base: formatIpv4(base),
    broadcast: formatIpv4(base + size - 1),
    netmask: formatIpv4(2 ** 32 - size),
    cidr: `${formatIpv4(base)}/${prefix}`,
  };
}

/** inNetwork says whether ip lies in network (its base and broadcast included). */
export function inNetwork(network: Pick<Ipv4Network, "base" | "prefix">, ip: string): boolean {
  const n = parseIpv4(ip);
  const base = parseIpv4(network.base);
  return n !== undefined && base !== undefined && n >= base && n < base + 2 ** (32 - network.prefix);
}

/**
 * PRIVATE_IPV4_RANGES are RFC 1918's private networks. Written once and tested against
 * their boundaries: the seed module blocked "176.16.0.0/12", a typo for 172.16.0.0/12.
 */
export const PRIVATE_IPV4_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** isPrivateIpv4 says whether ip is in an RFC 1918 range. */
export function isPrivateIpv4(ip: string): boolean {
  return PRIVATE_IPV4_RANGES.some((cidr) => inNetwork(parseNetwork(cidr)!, ip));
}
