// dnsmasq's lease file on the host: which address each MAC has now.
import type { RemoteHost } from "../remote";
import { HOST_PATHS } from "../remote/installer/paths";

export interface Lease {
  mac: string;
  ip: string;
  hostname: string | undefined;
  expires: number;
}

/** parseLeases reads "<expiry> <mac> <ip> <hostname|*> <client-id|*>" lines; others are skipped. */
export function parseLeases(text: string): Map<string, Lease> {
  const leases = new Map<string, Lease>();
  for (const line of text.split("\n")) {
    const [expiry, mac, ip, hostname] = line.trim().split(/\s+/);
    if (!expiry || !mac || !ip || !/^\d+$/.test(expiry) || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac)) continue;
    leases.set(mac, { mac, ip, hostname: hostname && hostname !== "*" ? hostname : undefined, expires: Number(expiry) * 1000 });
  }
  return leases;
}

/** readLeases fetches the lease file from the host (empty when dnsmasq has handed out none). */
export async function readLeases(host: RemoteHost): Promise<Map<string, Lease>> {
  const bytes = await host.readFile(HOST_PATHS.dnsmasqLeases);
  return parseLeases(bytes?.toString("utf8") ?? "");
}
