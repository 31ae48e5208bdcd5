// Cloud resources recorded with their intent: the state says "creating <name>" before
// the API is asked, so a crash between the create and recording its ID is resumed by
// finding the resource by name and tags, never by creating a second one.
import { CloudApiError, NotFoundError } from "../core/errors";
import type { ResourceRecord, StateStore } from "../config/state";

export type Role = "switch" | "server" | "disk" | "packet_filter";

export interface EnsureResource<T extends { id: string }> {
  role: Role;
  kind: string;
  name: string;
  zone: string;
  /** get reads the resource by ID; a NotFoundError means it is gone. */
  get(id: string): Promise<T>;
  /** find looks for it by name and pxectl's tags (after a crash lost its ID). */
  find(): Promise<T | undefined>;
  create(): Promise<T>;
}

export interface Ensured<T> {
  resource: T;
  changed: boolean;
}

function isNotFound(e: unknown): boolean {
  return e instanceof NotFoundError || (e instanceof CloudApiError && e.status === 404);
}

/** ensureResource returns the recorded resource, a found one, or a new one; state follows. */
export async function ensureResource<T extends { id: string }>(store: StateStore, r: EnsureResource<T>): Promise<Ensured<T>> {
  const recorded = store.state.resources[r.role];
  if (recorded?.id) {
    try {
      return { resource: await r.get(recorded.id), changed: false };
    } catch (e) {
      if (!isNotFound(e)) throw e;
      // deleted behind our back: make it again below
    }
  }
  const found = await r.find();
  if (found) {
    await record(store, r, { id: found.id, status: "created" });
    return { resource: found, changed: false };
  }
  await record(store, r, { id: null, status: "creating" });
  const created = await r.create();
  await record(store, r, { id: created.id, status: "created" });
  return { resource: created, changed: true };
}

async function record(store: StateStore, r: EnsureResource<{ id: string }>, fields: Pick<ResourceRecord, "id" | "status">): Promise<void> {
  await store.update((s) => {
    s.resources[r.role] = { ...s.resources[r.role], kind: r.kind, name: r.name, zone: r.zone, ...fields };
  });
}

/** forgetResource drops a role from state once the resource is gone. */
export async function forgetResource(store: StateStore, role: Role): Promise<void> {
  await store.update((s) => {
    delete s.resources[role];
  });
}
