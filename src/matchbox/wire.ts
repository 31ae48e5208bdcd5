// Group and Profile as they travel in protobuf messages, and the conversions to the
// shapes pxectl works with. The one real difference: a group's metadata is a JSON object
// sent as UTF-8 bytes. The matchbox test server uses the same conversions.
import type { Group, Profile } from "./types";

/** WireGroup is storagepb.Group as proto-loader reads and writes it. */
export interface WireGroup {
  id: string;
  name: string;
  profile: string;
  selector: Record<string, string>;
  metadata: Buffer;
}

/** WireProfile is storagepb.Profile; boot is null when the message has none. */
export interface WireProfile {
  id: string;
  name: string;
  ignition_id: string;
  cloud_id: string;
  generic_id: string;
  boot: { kernel: string; initrd: string[]; args: string[] } | null;
}

/** toWireGroup encodes metadata as JSON bytes ({} when empty, as terraform-provider-matchbox does). */
export function toWireGroup(g: Group): WireGroup {
  return { id: g.id, name: g.name, profile: g.profile, selector: { ...g.selector }, metadata: Buffer.from(JSON.stringify(g.metadata ?? {}), "utf8") };
}

/** fromWireGroup decodes metadata; empty bytes mean no metadata. Throws on bytes that are not a JSON object. */
export function fromWireGroup(w: WireGroup): Group {
  const text = Buffer.from(w.metadata ?? []).toString("utf8");
  const metadata: unknown = text === "" ? {} : JSON.parse(text);
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) throw new Error(`group "${w.id}": metadata is not a JSON object`);
  return { id: w.id ?? "", name: w.name ?? "", profile: w.profile ?? "", selector: { ...w.selector }, metadata: metadata as Record<string, unknown> };
}

/** toWireProfile always sends boot: terraform-provider-matchbox reads profile.boot without a nil check. */
export function toWireProfile(p: Profile): WireProfile {
  return { id: p.id, name: p.name, ignition_id: p.ignition_id, cloud_id: p.cloud_id, generic_id: p.generic_id, boot: { kernel: p.boot.kernel, initrd: [...p.boot.initrd], args: [...p.boot.args] } };
}

/** fromWireProfile fills an absent boot with empty values. */
export function fromWireProfile(w: WireProfile): Profile {
  return {
    id: w.id ?? "",
    name: w.name ?? "",
    ignition_id: w.ignition_id ?? "",
    cloud_id: w.cloud_id ?? "",
    generic_id: w.generic_id ?? "",
    boot: { kernel: w.boot?.kernel ?? "", initrd: [...(w.boot?.initrd ?? [])], args: [...(w.boot?.args ?? [])] },
  };
}
