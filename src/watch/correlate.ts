// Correlation: turns parsed lines into observations about one MAC. dnsmasq names the MAC only
// on the line of each DHCP message; its --log-dhcp details (vendor class, user class, boot
// file) share the exchange's xid, and TFTP and some requests name only an IP, so this keeps
// the recent exchanges by xid and the leases by IP.
import { normalizeMac } from "../core/mac";
import type { DhcpClient, Observation } from "./observations";
import type { DhcpRecord, LogRecord, ParsedLine } from "./parse";
import { classifyRequest, readQuery } from "./requests";

interface Exchange {
  mac?: string;
  vendorClass?: string;
  userClass?: string;
  tags?: string;
}

/** Correlated is the MAC a line is about (when known) and the observation it makes, if any. */
export interface Correlated {
  mac: string | undefined;
  observation: Observation | undefined;
}

const NOTHING: Correlated = { mac: undefined, observation: undefined };
const PXE_ARCH = /^PXEClient:Arch:(\d{5})/;

/** Correlator attributes lines to MACs; feed it every line of a stream, in order. */
export class Correlator {
  private readonly exchanges = new Map<number, Exchange>();
  private readonly leases = new Map<string, string>();

  /** maxExchanges bounds memory: an exchange lasts seconds, so old ones are dropped first. */
  constructor(private readonly maxExchanges = 8192) {}

  /** macOf is the MAC dnsmasq last leased an IP to. */
  macOf(ip: string): string | undefined {
    return this.leases.get(ip);
  }

  /** correlate reads one parsed line seen at `at` (ms). */
  correlate(line: ParsedLine, at: number): Correlated {
    const r: LogRecord = line.record;
    switch (r.kind) {
      case "dhcp":
        return this.dhcp(r, at);
      case "dhcp-detail": {
        const x = this.exchange(r.xid);
        if (r.detail === "vendor-class") x.vendorClass = r.value;
        else if (r.detail === "user-class") x.userClass = r.value;
        else if (r.detail === "tags") x.tags = r.value;
        else if (r.detail === "boot-file" && x.mac) return { mac: x.mac, observation: { kind: "boot-file-offered", mac: x.mac, at, file: r.value } };
        return { mac: x.mac, observation: undefined };
      }
      case "tftp": {
        const mac = r.ip === undefined ? undefined : this.leases.get(r.ip);
        if (!mac || r.ip === undefined) return NOTHING;
        const detail = r.event === "client-error" ? `error ${r.code}: ${r.message}` : r.message;
        const observation: Observation = { kind: "tftp", mac, at, event: r.event, ip: r.ip };
        if (r.path !== undefined) observation.path = r.path;
        if (detail !== undefined) observation.detail = detail;
        return { mac, observation };
      }
      case "http": {
        const query = readQuery(r.query);
        const mac = query.mac ?? (query.ip === undefined ? undefined : this.leases.get(query.ip));
        return { mac, observation: { kind: "request", mac, at, request: classifyRequest(r.path, query), path: r.query ? `${r.path}?${r.query}` : r.path } };
      }
      case "matchbox-problem": {
        const raw = r.labels.mac ?? r.rawMac;
        const mac = raw === undefined ? undefined : normalizeMac(raw);
        const shown = r.rawMac !== undefined ? ` (mac=${r.rawMac})` : labelText(r.labels);
        return { mac, observation: { kind: "matchbox-problem", mac, at, problem: r.problem, message: r.message + shown } };
      }
    }
  }

  private dhcp(r: DhcpRecord, at: number): Correlated {
    const x = r.xid === undefined ? undefined : this.exchange(r.xid);
    if (x && r.mac) x.mac = r.mac;
    if (!r.mac) return NOTHING;
    if (r.ip && (r.message === "DHCPOFFER" || r.message === "DHCPACK" || r.message === "PXE")) this.leases.set(r.ip, r.mac);
    const observation: Observation = { kind: "dhcp", mac: r.mac, at, message: r.message, client: clientOf(x) };
    if (r.ip) observation.ip = r.ip;
    const arch = x?.vendorClass === undefined ? undefined : PXE_ARCH.exec(x.vendorClass)?.[1];
    if (arch !== undefined) observation.arch = Number(arch);
    // A PXE line names the boot file the proxy offers (dnsmasq's "PXE(v0) ip mac file").
    if (r.message === "PXE" && r.text !== "" && !r.text.startsWith("proxy")) {
      return { mac: r.mac, observation: { kind: "boot-file-offered", mac: r.mac, at, file: r.text } };
    }
    return { mac: r.mac, observation };
  }

  private exchange(xid: number): Exchange {
    let x = this.exchanges.get(xid);
    if (!x) {
      if (this.exchanges.size >= this.maxExchanges) this.exchanges.delete(this.exchanges.keys().next().value!);
      x = {};
      this.exchanges.set(xid, x);
    }
    return x;
  }
}

function clientOf(x: Exchange | undefined): DhcpClient {
  if (!x) return "unknown"; // no xid: dnsmasq runs without --log-dhcp
  if (x.userClass === "iPXE" || /(?:^|, )ipxe(?:,|$)/.test(x.tags ?? "")) return "ipxe";
  // UEFI HTTP boot (HTTPClient) is firmware too: OVMF tries it after PXE, before the disk
  if (x.vendorClass?.startsWith("PXEClient") || x.vendorClass?.startsWith("HTTPClient")) return "pxe";
  return "os";
}

// matchbox's labels are the request's query: they say which request missed (os=installed ...).
function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).filter(([, v]) => v !== "");
  return pairs.length === 0 ? "" : ` (${pairs.map(([k, v]) => `${k}=${v}`).join(" ")})`;
}
