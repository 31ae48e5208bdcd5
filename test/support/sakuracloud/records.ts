// The test server's own records: what it stores, in its own shape. views.ts renders them
// in the API's wire shape, so relations (a server's disks and NICs) are never stored twice.

export type Kind = "server" | "disk" | "archive" | "switch" | "interface" | "sshkey" | "packetfilter";

/** TaggedBase is what every named, tagged resource has. */
export interface TaggedBase {
  id: string;
  zone: string;
  name: string;
  description: string;
  tags: string[];
  createdAt: string;
  modifiedAt: string;
}

export interface PlanRecord {
  id: string;
  name: string;
  cpu: number;
  memoryMB: number;
  gpu: number;
  commitment: "standard" | "dedicatedcpu";
  generation: number;
  confidentialVM: boolean;
  availability: string;
}

export interface ServerRecord extends TaggedBase {
  kind: "server";
  availability: string;
  hostName: string | null;
  interfaceDriver: string;
  plan: PlanRecord;
  status: "up" | "down" | "cleaning";
  beforeStatus: string | null;
  statusChangedAt: string | null;
  /** The physical host while up, e.g. sac-is1a-sv042. */
  host: string | null;
  /** A power request the API has taken and not finished: a second one gets 409. */
  pendingPower: "on" | "off" | null;
}

export interface DiskRecord extends TaggedBase {
  kind: "disk";
  availability: string;
  sizeMB: number;
  migratedMB: number;
  connection: string;
  planId: string;
  sourceArchiveId: string | null;
  serverId: string | null;
  /** The last disk edit (PUT /disk/:id/config), as sent, for tests to inspect. */
  lastEdit: Record<string, unknown> | null;
}

export interface ArchiveRecord extends TaggedBase {
  kind: "archive";
  scope: "shared" | "user";
  availability: string;
  sizeMB: number;
  displayOrder: number;
  planId: string;
}

export interface SwitchRecord extends TaggedBase {
  kind: "switch";
  scope: "user" | "shared";
  /** The shared segment's subnet; null for a user switch. */
  subnet: { networkAddress: string; networkMaskLen: number; defaultRoute: string } | null;
}

export interface InterfaceRecord {
  kind: "interface";
  id: string;
  zone: string;
  mac: string;
  ipAddress: string | null;
  userIPAddress: string | null;
  serverId: string;
  switchId: string | null;
  packetFilterId: string | null;
  createdAt: string;
}

export interface SSHKeyRecord {
  kind: "sshkey";
  id: string;
  zone: string;
  name: string;
  description: string;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
}

export interface ExpressionRecord {
  Protocol: string;
  SourceNetwork: string;
  SourcePort: string;
  DestinationPort: string;
  Action: string;
  Description: string;
}

export interface PacketFilterRecord {
  kind: "packetfilter";
  id: string;
  zone: string;
  name: string;
  description: string;
  expression: ExpressionRecord[];
  createdAt: string;
}

export type AnyRecord = ServerRecord | DiskRecord | ArchiveRecord | SwitchRecord | InterfaceRecord | SSHKeyRecord | PacketFilterRecord;
export type RecordOf<K extends Kind> = Extract<AnyRecord, { kind: K }>;

export interface ZoneRecord {
  id: string;
  name: string;
  description: string;
  isDummy: boolean;
  regionId: string;
}

export interface RegionRecord {
  id: string;
  name: string;
  description: string;
  nameServers: string[];
}
