// Declarative apply: a profile directory -> the profiles, groups and Ignition configs
// matchbox should hold -> a plan against the live server -> writes, with ownership in state.
import type { MatchboxApi } from "../types";
import type { Owned } from "./ownership";
import { type Live, type Plan, type Prune, makePlan } from "./plan";
import type { Desired } from "./render";

export { loadProfileDirectory, type ProfileDirectory, type DeclaredGroup, type DeclaredProfile } from "./directory";
export { renderDesired, configName, type Desired, type DesiredConfig } from "./render";
export { ConfigCache, CACHE_REVISION } from "./config-cache";
export { makePlan, type Live, type Plan, type Change, type ObjectKind, type Prune } from "./plan";
export { executePlan, DEFAULT_CONCURRENCY } from "./execute";
export { planView, renderPlan, type PlanView } from "./diff";
export { ownedFrom, toRecord, sameOwned, type Owned, type OwnedRecord } from "./ownership";
export { templateVariables, matchboxHttpEndpoint } from "./variables";

/** listLive lists the server's profiles and groups (two calls). Start it before rendering: matchbox reads its files on its own core meanwhile. */
export async function listLive(api: MatchboxApi): Promise<Live> {
  const [profiles, groups] = await Promise.all([api.profileList(), api.groupList()]);
  return { profiles, groups };
}

/** planAgainst plans against what the server lists (listing now unless live was started earlier). */
export async function planAgainst(api: MatchboxApi, desired: Desired, owned: Owned, o: { prune: Prune }, live: Promise<Live> = listLive(api)): Promise<Plan> {
  return makePlan(desired, await live, owned, o);
}
