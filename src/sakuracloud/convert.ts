// Wire shapes in, domain types out: IDs become strings, nulls become defaults, MACs are
// normalised. Any answer missing what pxectl needs fails here with a CloudApiError.
import { CloudApiError } from "../core/errors";
import { normalizeMac } from "../core/mac";
import type { Archive, Disk, Nic, PacketFilter, PacketFilterRule, Server, ServerPlan, SSHKey, Switch, ZoneInfo } from "./types";
import type {
  Nullable, WireArchive, WireDisk, WireExpression, WireId, WireInterface, WirePacketFilter, WireServer, WireServerPlan, WireSSHKey, WireSwitch, WireZone,
} from "./wire";

/** idOf turns a wire ID (string or number) into pxectl's string form. */
export function idOf(id: Nullable<WireId>): string {
  if (typeof id === "number" && Number.isSafeInteger(id)) return String(id);
  if (typeof id === "string" && /^[0-9]+$/.test(id)) return id;
  throw new CloudApiError(`the SakuraCloud API sent an ID that is not a number: ${JSON.stringify(id)}`, {
    hint: "check that SAKURA_API_ROOT_URL points to the SakuraCloud API; if it does, report this as a pxectl bug",
  });
}

/** textOf checks a field the API sends as text (a name); undefined and null are refused. */
function textOf(value: unknown, field: string): string {
  if (typeof value === "string") return value;
  throw new CloudApiError(`the SakuraCloud API sent a ${field} that is not text: ${JSON.stringify(value)}`, {
    hint: "check that SAKURA_API_ROOT_URL points to the SakuraCloud API; if it does, report this as a pxectl bug",
  });
}

/** optionalText is textOf for fields that may be absent or null (descriptions): "" then. */
const optionalText = (value: unknown, field: string): string => (value === undefined || value === null ? "" : textOf(value, field));

const refId = (ref: Nullable<{ ID: WireId }>): string | null => (ref ? idOf(ref.ID) : null);
const tagsOf = (tags: Nullable<string[]>): string[] => [...(tags ?? [])].sort();

/** unwrap takes the resource out of its envelope, e.g. {"Server": {...}, "is_ok": true}. */
export function unwrap<T>(envelope: unknown, key: string, what: string): T {
  const value = (envelope as Record<string, unknown> | null)?.[key];
  if (value === null || typeof value !== "object") {
    throw new CloudApiError(`${what}: the answer has no "${key}"`, { hint: "check that SAKURA_API_ROOT_URL points to the SakuraCloud API" });
  }
  return value as T;
}

export function toZoneInfo(z: WireZone): ZoneInfo {
  return {
    id: idOf(z.ID),
    name: textOf(z.Name, "Name"),
    description: optionalText(z.Description, "Description"),
    region: { id: z.Region ? idOf(z.Region.ID) : "", name: z.Region?.Name ?? "", nameServers: [...(z.Region?.NameServers ?? [])] },
  };
}

export function toServerPlan(p: WireServerPlan): ServerPlan {
  return {
    id: idOf(p.ID),
    name: textOf(p.Name, "Name"),
    cpu: p.CPU,
    memoryMB: p.MemoryMB,
    generation: p.Generation ?? 0,
    commitment: p.Commitment ?? "standard",
    availability: p.Availability ?? "available",
  };
}

export function toSwitch(s: WireSwitch): Switch {
  return { id: idOf(s.ID), name: textOf(s.Name, "Name"), description: optionalText(s.Description, "Description"), tags: tagsOf(s.Tags), serverCount: s.ServerCount ?? 0 };
}

export function toNic(i: WireInterface): Nic {
  const mac = normalizeMac(i.MACAddress ?? "");
  if (!mac) throw new CloudApiError(`the SakuraCloud API sent a MAC address that is not one: ${JSON.stringify(i.MACAddress)}`, { hint: "report this as a pxectl bug" });
  const sw = i.Switch;
  return {
    id: idOf(i.ID),
    mac,
    ipAddress: i.IPAddress || null,
    userIPAddress: i.UserIPAddress || null,
    connectedTo: !sw ? null : sw.Scope === "shared" ? "shared" : idOf(sw.ID),
    packetFilterId: refId(i.PacketFilter),
  };
}

export function toServer(s: WireServer): Server {
  return {
    id: idOf(s.ID),
    name: textOf(s.Name, "Name"),
    description: optionalText(s.Description, "Description"),
    tags: tagsOf(s.Tags),
    availability: s.Availability ?? "",
    status: s.Instance?.Status ?? "",
    hostName: s.HostName || null,
    plan: s.ServerPlan ? toServerPlan(s.ServerPlan) : null,
    zone: s.Zone?.Name ?? null,
    nics: (s.Interfaces ?? []).map(toNic),
    diskIds: (s.Disks ?? []).map((d) => idOf(d.ID)),
  };
}

export function toDisk(d: WireDisk): Disk {
  return {
    id: idOf(d.ID),
    name: textOf(d.Name, "Name"),
    description: optionalText(d.Description, "Description"),
    tags: tagsOf(d.Tags),
    availability: d.Availability ?? "",
    sizeMB: d.SizeMB ?? 0,
    migratedMB: d.MigratedMB ?? 0,
    planId: refId(d.Plan),
    serverId: refId(d.Server),
    sourceArchiveId: refId(d.SourceArchive),
  };
}

export function toArchive(a: WireArchive): Archive {
  return {
    id: idOf(a.ID),
    name: textOf(a.Name, "Name"),
    tags: tagsOf(a.Tags),
    availability: a.Availability ?? "",
    scope: a.Scope ?? "",
    sizeMB: a.SizeMB ?? 0,
    createdAt: a.CreatedAt ?? null,
  };
}

export function toSSHKey(k: WireSSHKey): SSHKey {
  return { id: idOf(k.ID), name: textOf(k.Name, "Name"), description: optionalText(k.Description, "Description"), publicKey: k.PublicKey ?? "", fingerprint: k.Fingerprint ?? "" };
}

function toRule(e: WireExpression): PacketFilterRule {
  const rule: PacketFilterRule = { protocol: e.Protocol as PacketFilterRule["protocol"], action: e.Action === "deny" ? "deny" : "allow" };
  if (e.SourceNetwork) rule.sourceNetwork = e.SourceNetwork;
  if (e.SourcePort) rule.sourcePort = e.SourcePort;
  if (e.DestinationPort) rule.destinationPort = e.DestinationPort;
  if (e.Description) rule.description = e.Description;
  return rule;
}

/** fromRule writes a rule as the API takes it: every field present, "" for any. */
export function fromRule(r: PacketFilterRule): WireExpression {
  return {
    Protocol: r.protocol,
    SourceNetwork: r.sourceNetwork ?? "",
    SourcePort: r.sourcePort ?? "",
    DestinationPort: r.destinationPort ?? "",
    Action: r.action,
    Description: r.description ?? "",
  };
}

export function toPacketFilter(p: WirePacketFilter): PacketFilter {
  return { id: idOf(p.ID), name: textOf(p.Name, "Name"), description: optionalText(p.Description, "Description"), rules: (p.Expression ?? []).map(toRule) };
}
