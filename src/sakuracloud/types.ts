// The SakuraCloud port: the domain types pxectl works with and the SakuraApi interface
// that init, node add --create and destroy depend on. Tests pass their own implementation.
import type { Zone } from "./zones";

/** Availability is a resource's lifecycle state as the API reports it. */
export type Availability = "available" | "migrating" | "uploading" | "failed" | "transfering" | "discontinued" | (string & {});
/** InstanceStatus is a server's power state; "" before its first boot. */
export type InstanceStatus = "up" | "down" | "cleaning" | "" | (string & {});

/** ListQuery selects resources: every given condition must hold. */
export interface ListQuery {
  /** Every word must appear in the name (the API's partial, AND match). */
  name?: string;
  /** Every tag must be present. */
  tags?: readonly string[];
  /** More conditions in the API's own syntax, e.g. {"Scope": ["shared"]} or {"CPU": 2}. */
  filter?: Readonly<Record<string, unknown>>;
  /** Field names, "-" first for descending: ["-CreatedAt"]. */
  sort?: readonly string[];
  /** Page size; 0 (the default) returns everything. */
  count?: number;
  from?: number;
}

/** Page is one answer to a ListQuery. */
export interface Page<T> {
  total: number;
  from: number;
  items: T[];
}

/** ZoneInfo is a zone and its region's DNS servers. */
export interface ZoneInfo {
  id: string;
  name: string;
  description: string;
  region: { id: string; name: string; nameServers: string[] };
}

/** ServerPlan is a CPU/memory combination servers are created with. */
export interface ServerPlan {
  id: string;
  name: string;
  cpu: number;
  memoryMB: number;
  generation: number;
  commitment: "standard" | "dedicatedcpu" | (string & {});
  availability: Availability;
}

/** PlanSpec asks for a plan; a ServerPlan is one. */
export interface PlanSpec {
  cpu: number;
  memoryMB: number;
  generation?: number;
  commitment?: string;
}

export interface Switch {
  id: string;
  name: string;
  description: string;
  tags: string[];
  serverCount: number;
}

/** Nic is a server's network interface. */
export interface Nic {
  id: string;
  /** Lower-case, colon-separated, as pxectl writes MACs everywhere. */
  mac: string;
  /** The global address on the shared segment; null on a switch. */
  ipAddress: string | null;
  /** The address shown for a NIC on a switch (display only); null otherwise. */
  userIPAddress: string | null;
  /** "shared" for the shared segment, a switch ID, or null when not connected. */
  connectedTo: string | null;
  packetFilterId: string | null;
}

export interface Server {
  id: string;
  name: string;
  description: string;
  tags: string[];
  availability: Availability;
  status: InstanceStatus;
  hostName: string | null;
  plan: ServerPlan | null;
  zone: string | null;
  nics: Nic[];
  diskIds: string[];
}

export interface Disk {
  id: string;
  name: string;
  description: string;
  tags: string[];
  availability: Availability;
  sizeMB: number;
  migratedMB: number;
  planId: string | null;
  serverId: string | null;
  sourceArchiveId: string | null;
}

export interface Archive {
  id: string;
  name: string;
  tags: string[];
  availability: Availability;
  scope: string;
  sizeMB: number;
  createdAt: string | null;
}

export interface SSHKey {
  id: string;
  name: string;
  description: string;
  publicKey: string;
  fingerprint: string;
}

/** PacketFilterRule is one expression; rules are matched in order, first match wins. */
export interface PacketFilterRule {
  protocol: "tcp" | "udp" | "icmp" | "fragment" | "ip";
  /** An address or CIDR; empty means any. */
  sourceNetwork?: string;
  /** A port or range "32768-61000"; empty means any. */
  sourcePort?: string;
  destinationPort?: string;
  action: "allow" | "deny";
  description?: string;
}

export interface PacketFilter {
  id: string;
  name: string;
  description: string;
  rules: PacketFilterRule[];
}

/** PowerStatus is GET /server/:id/power. */
export interface PowerStatus {
  status: InstanceStatus;
}

/** NicSpec connects a new server's NIC to the shared segment (the internet) or to a switch. */
export type NicSpec = "shared" | { switchId: string };

export interface ServerSpec {
  name: string;
  description?: string;
  plan: PlanSpec;
  /** In order: the first is NIC 0 (eth0). */
  nics: readonly NicSpec[];
  /** Tags besides pxectl's own, e.g. "@boot-network" (PXE first). */
  tags?: readonly string[];
  interfaceDriver?: "virtio" | "e1000";
}

export interface DiskSpec {
  name: string;
  description?: string;
  plan: "ssd" | "hdd";
  sizeGB: number;
  /** Copy this archive; blank when absent. */
  sourceArchiveId?: string;
  /** Attach to this server as it is created. */
  serverId?: string;
  tags?: readonly string[];
}

/** DiskEdit is what the API writes into a disk's OS before first boot (PUT /disk/:id/config). */
export interface DiskEdit {
  hostName?: string;
  sshKeyIds?: readonly string[];
  sshPublicKeys?: readonly string[];
  disablePasswordAuth?: boolean;
  /** Registered as a secret before it is sent; never logged. */
  password?: string;
  /** NIC 0's address on a switch, with its prefix length and gateway. */
  ipAddress?: string;
  networkMaskLen?: number;
  defaultRoute?: string;
  noteIds?: readonly string[];
}

/** ManagedResource is anything pxectl made for one environment. */
export interface ManagedResource {
  kind: "server" | "disk" | "switch" | "sshkey" | "packetfilter";
  id: string;
  name: string;
}

export interface ZoneApi {
  /** get reads the client's zone with its region's name servers. */
  get(): Promise<ZoneInfo>;
}

export interface PlanApi {
  /** findServerPlan returns the newest available plan with this CPU and memory, or throws NotFoundError. */
  findServerPlan(spec: PlanSpec): Promise<ServerPlan>;
}

export interface ArchiveApi {
  /** findPublicUbuntu returns the newest public archive tagged for this Ubuntu release. */
  findPublicUbuntu(release: "24.04" | "22.04"): Promise<Archive>;
  /** findPublic returns the newest available public archive with this tag; title names it in the error. */
  findPublic(tag: string, title: string): Promise<Archive>;
  get(id: string): Promise<Archive>;
  list(query?: ListQuery): Promise<Page<Archive>>;
}

export interface SwitchApi {
  create(spec: { name: string; description?: string }): Promise<Switch>;
  get(id: string): Promise<Switch>;
  list(query?: ListQuery): Promise<Page<Switch>>;
  delete(id: string): Promise<void>;
}

export interface ServerApi {
  create(spec: ServerSpec): Promise<Server>;
  get(id: string): Promise<Server>;
  list(query?: ListQuery): Promise<Page<Server>>;
  /** delete removes a stopped server, and the listed disks with it. */
  delete(id: string, options?: { withDisks?: readonly string[] }): Promise<void>;
  /** powerOn sends one boot request; see power.ts for booting and waiting. */
  powerOn(id: string): Promise<void>;
  /** shutdown sends one ACPI shutdown, or a hard power-off with force. */
  shutdown(id: string, options?: { force?: boolean }): Promise<void>;
  powerStatus(id: string): Promise<PowerStatus>;
}

export interface DiskApi {
  create(spec: DiskSpec): Promise<Disk>;
  get(id: string): Promise<Disk>;
  list(query?: ListQuery): Promise<Page<Disk>>;
  delete(id: string): Promise<void>;
  edit(id: string, edit: DiskEdit): Promise<void>;
}

export interface InterfaceApi {
  /** create adds a NIC to a stopped server. */
  create(serverId: string): Promise<Nic>;
  get(id: string): Promise<Nic>;
  connect(id: string, to: "shared" | { switchId: string }): Promise<void>;
  disconnect(id: string): Promise<void>;
  attachPacketFilter(id: string, packetFilterId: string): Promise<void>;
  detachPacketFilter(id: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface SSHKeyApi {
  create(spec: { name: string; publicKey: string; description?: string }): Promise<SSHKey>;
  get(id: string): Promise<SSHKey>;
  list(query?: ListQuery): Promise<Page<SSHKey>>;
  delete(id: string): Promise<void>;
}

export interface PacketFilterApi {
  create(spec: { name: string; rules: readonly PacketFilterRule[]; description?: string }): Promise<PacketFilter>;
  get(id: string): Promise<PacketFilter>;
  list(query?: ListQuery): Promise<Page<PacketFilter>>;
  delete(id: string): Promise<void>;
}

/**
 * SakuraApi is one zone of one account, seen as one pxectl environment: every resource it
 * creates carries the tags `pxectl` and `pxectl-env=<env>` (or, where the API has no tags,
 * a marker in its description).
 */
export interface SakuraApi {
  readonly zone: Zone;
  readonly env: string;
  readonly zones: ZoneApi;
  readonly plans: PlanApi;
  readonly archives: ArchiveApi;
  readonly switches: SwitchApi;
  readonly servers: ServerApi;
  readonly disks: DiskApi;
  readonly interfaces: InterfaceApi;
  readonly sshKeys: SSHKeyApi;
  readonly packetFilters: PacketFilterApi;
  /** listManaged finds everything this environment owns in the zone (and its global SSH keys). */
  listManaged(): Promise<ManagedResource[]>;
}
