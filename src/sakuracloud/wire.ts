// The API's own shapes (PascalCase, IDs as strings or numbers, explicit nulls), only the
// fields pxectl reads or writes. convert.ts turns them into the domain types of types.ts.

/** WireId is an ID as the API sends it: a string, or a number with X-Sakura-Bigint-As-Int. */
export type WireId = string | number;
export type Nullable<T> = T | null | undefined;

export interface WireRef {
  ID: WireId;
}

interface WireTagged {
  ID: WireId;
  Name: string;
  Description?: Nullable<string>;
  Tags?: Nullable<string[]>;
  CreatedAt?: Nullable<string>;
}

export interface WireRegion {
  ID: WireId;
  Name: string;
  NameServers?: Nullable<string[]>;
}

export interface WireZone {
  ID: WireId;
  Name: string;
  Description?: Nullable<string>;
  IsDummy?: Nullable<boolean>;
  Region?: Nullable<WireRegion>;
}

export interface WireSubnet {
  DefaultRoute?: Nullable<string>;
  NetworkMaskLen?: Nullable<number>;
  NetworkAddress?: Nullable<string>;
}

export interface WireSwitch extends WireTagged {
  Scope?: Nullable<string>;
  ServerCount?: Nullable<number>;
  UserSubnet?: Nullable<WireSubnet>;
}

export interface WireInterface {
  ID: WireId;
  MACAddress: string;
  IPAddress?: Nullable<string>;
  UserIPAddress?: Nullable<string>;
  Switch?: Nullable<{ ID: WireId; Name?: Nullable<string>; Scope?: Nullable<string>; Subnet?: Nullable<WireSubnet>; UserSubnet?: Nullable<WireSubnet> }>;
  PacketFilter?: Nullable<{ ID: WireId; Name?: Nullable<string> }>;
  Server?: Nullable<WireRef>;
}

export interface WireServerPlan {
  ID: WireId;
  Name: string;
  CPU: number;
  MemoryMB: number;
  GPU?: Nullable<number>;
  Generation?: Nullable<number>;
  Commitment?: Nullable<string>;
  Availability?: Nullable<string>;
}

export interface WireServer extends WireTagged {
  Availability?: Nullable<string>;
  HostName?: Nullable<string>;
  InterfaceDriver?: Nullable<string>;
  ServerPlan?: Nullable<WireServerPlan>;
  Zone?: Nullable<WireZone>;
  Instance?: Nullable<{ Status?: Nullable<string>; BeforeStatus?: Nullable<string>; StatusChangedAt?: Nullable<string> }>;
  Disks?: Nullable<WireRef[]>;
  Interfaces?: Nullable<WireInterface[]>;
}

export interface WireDisk extends WireTagged {
  Availability?: Nullable<string>;
  SizeMB?: Nullable<number>;
  MigratedMB?: Nullable<number>;
  Connection?: Nullable<string>;
  Plan?: Nullable<WireRef>;
  SourceArchive?: Nullable<WireRef>;
  Server?: Nullable<WireRef>;
}

export interface WireArchive extends WireTagged {
  Availability?: Nullable<string>;
  Scope?: Nullable<string>;
  SizeMB?: Nullable<number>;
}

export interface WireSSHKey {
  ID: WireId;
  Name: string;
  Description?: Nullable<string>;
  PublicKey?: Nullable<string>;
  Fingerprint?: Nullable<string>;
}

export interface WireExpression {
  Protocol: string;
  SourceNetwork?: Nullable<string>;
  SourcePort?: Nullable<string>;
  DestinationPort?: Nullable<string>;
  Action: string;
  Description?: Nullable<string>;
}

export interface WirePacketFilter {
  ID: WireId;
  Name: string;
  Description?: Nullable<string>;
  Expression?: Nullable<WireExpression[]>;
}

/** WireErrorBody is the API's error answer. */
export interface WireErrorBody {
  is_fatal?: boolean;
  serial?: string;
  status?: string;
  error_code?: string;
  error_msg?: string;
}

/** WireList is a Find answer: paging counters plus the items under a plural key. */
export type WireList = { From?: number; Count?: number; Total?: number } & Record<string, unknown>;
