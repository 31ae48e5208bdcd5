// The plan: desired objects against what the server lists now. Profiles and groups are
// compared field by field with the live objects (ProfileList, GroupList: two calls). Configs
// are content-addressed, so a live profile that names the desired config proves the server
// holds that content: no IgnitionList exists and no per-config read is needed to know.
import { normalizeMac } from "../../core/mac";
import type { Group, Profile } from "../types";
import type { Owned } from "./ownership";
import type { Desired, DesiredConfig } from "./render";

/** ObjectKind is the kind of matchbox object a change touches. */
export type ObjectKind = "ignition" | "profile" | "group";

/** FieldChange is one field that differs: its old and new values. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Change is one object to create, update or delete. */
export interface Change {
  action: "create" | "update" | "delete";
  kind: ObjectKind;
  id: string;
  /** For updates: what differs. */
  fields?: FieldChange[];
  /** The object exists but pxectl did not write it: applying takes it over. */
  adopt?: boolean;
}

/** Plan is every change, in the order they will run, and what pxectl owns afterwards. */
export interface Plan {
  changes: Change[];
  unchanged: Record<ObjectKind, number>;
  puts: { configs: DesiredConfig[]; profiles: Profile[]; groups: Group[] };
  deletes: { groups: string[]; profiles: string[]; configs: string[] };
  ownedAfter: Owned;
}

/** Live is what the server lists. */
export interface Live {
  profiles: Profile[];
  groups: Group[];
}

function normalizeProfile(p: Profile): Profile {
  return { id: p.id, name: p.name ?? "", ignition_id: p.ignition_id ?? "", cloud_id: p.cloud_id ?? "", generic_id: p.generic_id ?? "", boot: { kernel: p.boot?.kernel ?? "", initrd: p.boot?.initrd ?? [], args: p.boot?.args ?? [] } };
}

function normalizeGroup(g: Group): Group {
  // matchbox normalises a mac selector only when it reads a group back: compare the same way
  const selector = Object.fromEntries(Object.entries(g.selector ?? {}).map(([k, v]) => [k, k.toLowerCase() === "mac" ? (normalizeMac(v) ?? v) : v]));
  return { id: g.id, name: g.name ?? "", profile: g.profile ?? "", selector, metadata: g.metadata ?? {} };
}

/** stableJson is JSON with sorted object keys, for order-insensitive comparison. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

const sameStrings = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && (a[k] === b[k] || stableJson(a[k]) === stableJson(b[k])));
}

// An unchanged server is thousands of equal objects: compared field by field without
// serialising them; only objects that differ go through diffFields to say how.
function sameProfile(a: Profile, b: Profile): boolean {
  return a.id === b.id && a.name === b.name && a.ignition_id === b.ignition_id && a.cloud_id === b.cloud_id && a.generic_id === b.generic_id &&
    a.boot.kernel === b.boot.kernel && sameStrings(a.boot.initrd, b.boot.initrd) && sameStrings(a.boot.args, b.boot.args);
}

function sameGroup(a: Group, b: Group): boolean {
  return a.id === b.id && a.name === b.name && a.profile === b.profile && sameRecord(a.selector, b.selector) && sameRecord(a.metadata, b.metadata);
}

function diffFields(live: object, want: object, prefix = ""): FieldChange[] {
  const out: FieldChange[] = [];
  const a = live as Record<string, unknown>;
  const b = want as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [x, y] = [a[key], b[key]];
    if (stableJson(x) === stableJson(y)) continue;
    if (key === "boot" && x && y) out.push(...diffFields(x, y, "boot."));
    else out.push({ field: prefix + key, from: x, to: y });
  }
  return out;
}

/** Prune chooses which owned objects that are no longer declared are deleted. */
export type Prune = boolean | ((kind: "profile" | "group", id: string) => boolean);

/** makePlan compares desired with live; prune adds deletes of owned objects no longer declared. */
export function makePlan(desired: Desired, live: Live, owned: Owned, o: { prune: Prune }): Plan {
  const prunes = (kind: "profile" | "group", id: string) => (typeof o.prune === "function" ? o.prune(kind, id) : o.prune);
  const plan: Plan = {
    changes: [],
    unchanged: { ignition: 0, profile: 0, group: 0 },
    puts: { configs: [], profiles: [], groups: [] },
    deletes: { groups: [], profiles: [], configs: [] },
    ownedAfter: { profiles: new Set(), groups: new Set(), ignition: new Set() },
  };
  const liveProfiles = new Map(live.profiles.map((p) => [p.id, normalizeProfile(p)]));
  const liveGroups = new Map(live.groups.map((g) => [g.id, normalizeGroup(g)]));
  const configChanges: Change[] = [];
  const profileChanges: Change[] = [];
  for (const want of desired.profiles.values()) {
    const have = liveProfiles.get(want.id);
    plan.ownedAfter.profiles.add(want.id);
    const wanted = normalizeProfile(want);
    const fields = have && !sameProfile(have, wanted) ? diffFields(have, wanted) : [];
    if (have && fields.length === 0) {
      plan.unchanged.profile++;
      if (want.ignition_id) {
        plan.unchanged.ignition++;
        plan.ownedAfter.ignition.add(want.ignition_id);
      }
      continue;
    }
    const config = want.ignition_id ? desired.configs.get(want.ignition_id) : undefined;
    if (config) {
      plan.puts.configs.push(config);
      plan.ownedAfter.ignition.add(config.name);
      configChanges.push({ action: "create", kind: "ignition", id: config.name });
    }
    plan.puts.profiles.push(want);
    profileChanges.push(have ? { action: "update", kind: "profile", id: want.id, fields, ...(owned.profiles.has(want.id) ? {} : { adopt: true }) } : { action: "create", kind: "profile", id: want.id });
  }
  const groupChanges: Change[] = [];
  for (const want of desired.groups.values()) {
    const have = liveGroups.get(want.id);
    plan.ownedAfter.groups.add(want.id);
    const wanted = normalizeGroup(want);
    const fields = have && !sameGroup(have, wanted) ? diffFields(have, wanted) : [];
    if (have && fields.length === 0) {
      plan.unchanged.group++;
      continue;
    }
    plan.puts.groups.push(want);
    groupChanges.push(have ? { action: "update", kind: "group", id: want.id, fields, ...(owned.groups.has(want.id) ? {} : { adopt: true }) } : { action: "create", kind: "group", id: want.id });
  }
  const deletes: Change[] = [];
  for (const id of owned.groups) {
    if (desired.groups.has(id)) continue;
    if (!liveGroups.has(id)) continue;
    if (prunes("group", id)) {
      plan.deletes.groups.push(id);
      deletes.push({ action: "delete", kind: "group", id });
    } else plan.ownedAfter.groups.add(id);
  }
  const keptProfiles = new Map<string, Profile>();
  for (const id of owned.profiles) {
    if (desired.profiles.has(id) || !liveProfiles.has(id)) continue;
    if (prunes("profile", id)) {
      plan.deletes.profiles.push(id);
      deletes.push({ action: "delete", kind: "profile", id });
    } else {
      plan.ownedAfter.profiles.add(id);
      keptProfiles.set(id, liveProfiles.get(id)!);
    }
  }
  // a config pxectl wrote that no remaining profile names is garbage: an older version of a config
  const referenced = new Set([...desired.profiles.values(), ...keptProfiles.values(), ...[...liveProfiles.values()].filter((p) => !owned.profiles.has(p.id) && !desired.profiles.has(p.id))].map((p) => p.ignition_id));
  for (const name of owned.ignition) {
    if (plan.ownedAfter.ignition.has(name)) continue;
    if (referenced.has(name)) plan.ownedAfter.ignition.add(name);
    else {
      plan.deletes.configs.push(name);
      deletes.push({ action: "delete", kind: "ignition", id: name });
    }
  }
  plan.changes = [...configChanges, ...profileChanges, ...groupChanges, ...deletes];
  return plan;
}
