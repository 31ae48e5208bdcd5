// Records rendered in the API's wire shape: PascalCase, every field present, explicit
// nulls where the API sends them, relations (a server's disks and NICs, a switch's
// server count) computed from the store on every read.
import { createHash } from "node:crypto";
import { DISK_PLANS } from "./seed";
import type {
  ArchiveRecord, DiskRecord, InterfaceRecord, PacketFilterRecord, PlanRecord, ServerRecord, SSHKeyRecord, SwitchRecord, ZoneRecord,
} from "./records";
import type { Store } from "./store";

type Json = Record<string, unknown>;

export function zoneView(store: Store, z: ZoneRecord): Json {
  const region = store.regions.find((r) => r.id === z.regionId)!;
  return {
    ID: z.id,
    DisplayOrder: Number(z.id),
    Name: z.name,
    Description: z.description,
    IsDummy: z.isDummy,
    VNCProxy: { HostName: `sac-${z.name}-vnc.cloud.sakura.ad.jp`, IPAddress: "198.51.100.10" },
    FTPServer: { HostName: `sac-${z.name}-ftp.cloud.sakura.ad.jp`, IPAddress: "198.51.100.11" },
    Region: { ID: region.id, Name: region.name, Description: region.description, NameServers: region.nameServers },
  };
}

export function planView(p: PlanRecord): Json {
  const serviceClass = `cloud/plan/${p.commitment === "dedicatedcpu" ? "dedicatedcpu/" : ""}${p.cpu}core-${p.memoryMB / 1024}gb`;
  return {
    ID: p.id,
    Name: p.name,
    CPU: p.cpu,
    MemoryMB: p.memoryMB,
    GPU: p.gpu,
    GPUModel: null,
    CPUModel: "uncategorized",
    Commitment: p.commitment,
    Generation: p.generation,
    ConfidentialVM: p.confidentialVM,
    ServiceClass: serviceClass,
    Availability: p.availability,
  };
}

function switchRef(store: Store, sw: SwitchRecord): Json {
  const subnet = sw.subnet
    ? { ID: null, NetworkAddress: sw.subnet.networkAddress, NetworkMaskLen: sw.subnet.networkMaskLen, DefaultRoute: sw.subnet.defaultRoute, Internet: { BandWidthMbps: 100 } }
    : null;
  return {
    ID: sw.id,
    Name: sw.name,
    Scope: sw.scope,
    Subnet: subnet,
    UserSubnet: sw.subnet ? { DefaultRoute: sw.subnet.defaultRoute, NetworkMaskLen: sw.subnet.networkMaskLen } : { DefaultRoute: "0.0.0.0", NetworkMaskLen: 0 },
    ...(sw.scope === "shared" ? {} : { ServerCount: serverCount(store, sw) }),
  };
}

function serverCount(store: Store, sw: SwitchRecord): number {
  return store.all("interface", sw.zone).filter((n) => n.switchId === sw.id).length;
}

export function interfaceView(store: Store, n: InterfaceRecord, { withServer = true } = {}): Json {
  const sw = n.switchId ? store.get("switch", n.zone, n.switchId) : undefined;
  const pf = n.packetFilterId ? store.get("packetfilter", n.zone, n.packetFilterId) : undefined;
  const server = store.get("server", n.zone, n.serverId);
  return {
    ID: n.id,
    MACAddress: n.mac,
    IPAddress: n.ipAddress,
    UserIPAddress: n.userIPAddress,
    HostName: server?.hostName ?? null,
    Switch: sw ? switchRef(store, sw) : null,
    PacketFilter: pf ? { ID: pf.id, Name: pf.name, RequiredHostVersionn: 0 } : null,
    ...(withServer ? { Server: server ? { ID: server.id, Name: server.name, Availability: server.availability } : null, CreatedAt: n.createdAt } : {}),
  };
}

export function serverView(store: Store, s: ServerRecord): Json {
  const zone = store.zone(s.zone)!;
  const disks = store.all("disk", s.zone).filter((d) => d.serverId === s.id);
  const nics = store.all("interface", s.zone).filter((n) => n.serverId === s.id);
  return {
    ID: s.id,
    Name: s.name,
    HostName: s.hostName,
    Description: s.description,
    Availability: s.availability,
    ServiceClass: planView(s.plan).ServiceClass,
    CreatedAt: s.createdAt,
    ModifiedAt: s.modifiedAt,
    Icon: null,
    Tags: s.tags,
    InterfaceDriver: s.interfaceDriver,
    ServerPlan: planView(s.plan),
    Zone: zoneView(store, zone),
    Instance: {
      Server: { ID: s.id },
      Status: s.status,
      BeforeStatus: s.beforeStatus,
      StatusChangedAt: s.statusChangedAt,
      MigrationProgress: null,
      MigrationSchedule: null,
      IsMigrating: null,
      MigrationAllowed: null,
      ModifiedAt: s.statusChangedAt,
      Host: s.host ? { Name: s.host, InfoURL: "", Class: "dynamic", Version: 1, SystemVersion: "" } : null,
      CDROM: null,
      CDROMStorage: null,
      Warnings: null,
      WarningsValue: 0,
    },
    Disks: disks.map((d, i) => ({
      ID: d.id,
      Name: d.name,
      Availability: d.availability,
      Connection: d.connection,
      ConnectionOrder: i + 1,
      ReinstallCount: 0,
      SizeMB: d.sizeMB,
      Plan: { ID: d.planId },
      Storage: { ID: "1", Class: "iscsi1204", Generation: 100 },
      EncryptionAlgorithm: "none",
    })),
    Interfaces: nics.map((n) => interfaceView(store, n, { withServer: false })),
    PrivateHost: null,
    BundleInfo: null,
  };
}

function sourceRef(store: Store, zone: string, id: string | null): Json | null {
  const a = id ? store.get("archive", zone, id) : undefined;
  return a ? { ID: a.id, Name: a.name, Availability: a.availability } : null;
}

export function diskView(store: Store, d: DiskRecord): Json {
  const plan = DISK_PLANS.find((p) => p.id === d.planId)!;
  const server = d.serverId ? store.get("server", d.zone, d.serverId) : undefined;
  return {
    ID: d.id,
    Name: d.name,
    Description: d.description,
    Tags: d.tags,
    Icon: null,
    CreatedAt: d.createdAt,
    ModifiedAt: d.modifiedAt,
    Availability: d.availability,
    ServiceClass: `cloud/disk/${d.planId === "4" ? "ssd" : "hdd"}/${d.sizeMB / 1024}g`,
    SizeMB: d.sizeMB,
    MigratedMB: d.migratedMB,
    Connection: d.connection,
    ConnectionOrder: server ? 1 : 0,
    ReinstallCount: 0,
    EncryptionAlgorithm: "none",
    JobStatus: d.availability === "migrating" ? { Status: "running", ConfigError: null, Delays: { Start: { Max: 0, Min: 0 }, Finish: { Max: 900, Min: 205 } } } : null,
    Plan: { ID: plan.id, Name: plan.name, StorageClass: plan.storageClass },
    SourceDisk: null,
    SourceArchive: sourceRef(store, d.zone, d.sourceArchiveId),
    BundleInfo: null,
    Storage: { ID: "1", Class: "iscsi1204", Generation: 100 },
    Server: server ? { ID: server.id, Name: server.name, Availability: server.availability } : null,
  };
}

export function archiveView(_store: Store, a: ArchiveRecord): Json {
  const plan = DISK_PLANS.find((p) => p.id === a.planId)!;
  return {
    ID: a.id,
    DisplayOrder: a.displayOrder,
    Name: a.name,
    Description: a.description,
    Scope: a.scope,
    Availability: a.availability,
    SizeMB: a.sizeMB,
    MigratedMB: a.sizeMB,
    ServiceClass: `cloud/archive/${a.sizeMB / 1024}g`,
    CreatedAt: a.createdAt,
    ModifiedAt: a.modifiedAt,
    Icon: null,
    Tags: a.tags,
    Plan: { ID: plan.id, Name: plan.name, StorageClass: plan.storageClass },
    SourceDisk: null,
    SourceArchive: null,
    OriginalArchive: null,
    BundleInfo: null,
    Storage: { ID: "1", Class: "iscsi1204", Generation: 100 },
  };
}

export function switchView(store: Store, sw: SwitchRecord): Json {
  return {
    ID: sw.id,
    Name: sw.name,
    Description: sw.description,
    Tags: sw.tags,
    Icon: null,
    CreatedAt: sw.createdAt,
    ModifiedAt: sw.modifiedAt,
    Scope: sw.scope,
    ServerCount: serverCount(store, sw),
    ApplianceCount: 0,
    HybridConnection: null,
    UserSubnet: { DefaultRoute: "0.0.0.0", NetworkMaskLen: 0 },
    Subnets: [],
    IPv6Nets: [],
    Internet: null,
    Bridge: null,
    Zone: zoneView(store, store.zone(sw.zone)!),
  };
}

export function sshKeyView(_store: Store, k: SSHKeyRecord): Json {
  return { ID: k.id, Name: k.name, Description: k.description, CreatedAt: k.createdAt, PublicKey: k.publicKey, Fingerprint: k.fingerprint };
}

export function packetFilterView(_store: Store, p: PacketFilterRecord): Json {
  return { ID: p.id, Name: p.name, Description: p.description, RequiredHostVersionn: 0, Notice: "", CreatedAt: p.createdAt, Expression: p.expression, ExpressionHash: createHash("md5").update(JSON.stringify(p.expression)).digest("hex") };
}

