// What pxectl owns on a matchbox server: the ids it wrote, recorded in state under
// apply.<gRPC endpoint>. --prune deletes only these, so objects made by hand or by other
// tools are never touched; a lost state file makes pxectl adopt objects on the next apply
// (it overwrites what it declares) but never delete them.

/** Owned is the set of objects pxectl wrote to one matchbox server. */
export interface Owned {
  profiles: Set<string>;
  groups: Set<string>;
  ignition: Set<string>;
}

/** OwnedRecord is Owned as stored in state.json. */
export interface OwnedRecord {
  profiles: string[];
  groups: string[];
  ignition: string[];
  updated_at?: string;
}

/** ownedFrom reads the record for an endpoint (empty when there is none). */
export function ownedFrom(apply: Record<string, unknown> | null | undefined, endpoint: string): Owned {
  const r = (apply?.[endpoint] ?? {}) as Partial<OwnedRecord>;
  return { profiles: new Set(r.profiles ?? []), groups: new Set(r.groups ?? []), ignition: new Set(r.ignition ?? []) };
}

/** toRecord writes Owned sorted, so an unchanged set serialises identically. */
export function toRecord(owned: Owned, at: string): OwnedRecord {
  return { profiles: [...owned.profiles].sort(), groups: [...owned.groups].sort(), ignition: [...owned.ignition].sort(), updated_at: at };
}

/** sameOwned says whether two sets are equal (then state need not be written). */
export function sameOwned(a: Owned, b: Owned): boolean {
  const eq = (x: Set<string>, y: Set<string>) => x.size === y.size && [...x].every((v) => y.has(v));
  return eq(a.profiles, b.profiles) && eq(a.groups, b.groups) && eq(a.ignition, b.ignition);
}
