// matchbox's storage objects (storagepb) and the API pxectl needs from it. Commands
// depend on MatchboxApi; the gRPC client implements it, so tests can run the real
// client against the matchbox test server, or pass any other implementation.

/** NetBoot is storagepb.NetBoot: what /ipxe renders. */
export interface NetBoot {
  kernel: string;
  initrd: string[];
  args: string[];
}

/** Profile is storagepb.Profile (snake_case as in matchbox's on-disk JSON). */
export interface Profile {
  id: string;
  name: string;
  ignition_id: string;
  cloud_id: string;
  generic_id: string;
  boot: NetBoot;
}

/** Group is storagepb.Group; metadata travels as JSON bytes on the wire. */
export interface Group {
  id: string;
  name: string;
  profile: string;
  selector: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Labels are the query parameters a machine sends (mac, uuid, os, ...). */
export type Labels = Record<string, string>;

/** MatchboxApi is the matchbox gRPC API (rpcpb services), one method per RPC. */
export interface MatchboxApi {
  groupPut(group: Group): Promise<void>;
  groupGet(id: string): Promise<Group>;
  groupDelete(id: string): Promise<void>;
  groupList(): Promise<Group[]>;
  profilePut(profile: Profile): Promise<void>;
  profileGet(id: string): Promise<Profile>;
  profileDelete(id: string): Promise<void>;
  profileList(): Promise<Profile[]>;
  ignitionPut(name: string, config: Uint8Array): Promise<void>;
  ignitionGet(name: string): Promise<Uint8Array>;
  ignitionDelete(name: string): Promise<void>;
  genericPut(name: string, config: Uint8Array): Promise<void>;
  genericGet(name: string): Promise<Uint8Array>;
  genericDelete(name: string): Promise<void>;
  selectGroup(labels: Labels): Promise<Group>;
  selectProfile(labels: Labels): Promise<Profile>;
  close(): void;
}
