// Recording what pxectl wrote to a matchbox (state: apply.<endpoint>), shared by push and
// the delete commands.
import type { StateStore } from "../config/state";
import { type Owned, ownedFrom, sameOwned, toRecord } from "../matchbox/apply";

/** saveOwned writes the owned sets for an endpoint, unless they are unchanged. */
export async function saveOwned(store: StateStore, endpoint: string, owned: Owned, now: Date): Promise<void> {
  if (sameOwned(ownedFrom(store.state.apply, endpoint), owned)) return;
  await store.update((s) => {
    s.apply = { ...(s.apply ?? {}), [endpoint]: toRecord(owned, now.toISOString()) };
  });
}
