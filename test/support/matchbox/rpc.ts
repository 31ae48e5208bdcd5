// matchbox's gRPC services (rpc/*.go over server/server.go) on the file store: the same
// validation ("Id is required", "Group requires a Profile"), Put answers that echo
// nothing, and the same status codes: NOT_FOUND only from Select*, every other failure
// Unknown with Go's error text. matchbox logs no gRPC calls, and neither does this.
import * as grpc from "@grpc/grpc-js";
import { type ServiceName, matchboxServices } from "../../../src/matchbox/proto";
import { selectGroup } from "../../../src/matchbox/select";
import type { Labels } from "../../../src/matchbox/types";
import type { WireGroup, WireProfile } from "../../../src/matchbox/wire";
import { type FileStore, GoError, parseGoJsonObject, type StoredGroup, type StoredProfile, orUndefined } from "./store";

/** RpcHook runs before every call with its method name; throwing fails the call (faults in tests). */
export type RpcHook = (method: string) => void | Promise<void>;

class NoMatch extends Error {}

function toWireGroup(g: StoredGroup): Partial<WireGroup> {
  return { id: g.id, name: g.name, profile: g.profile, selector: g.selector, ...(g.metadata ? { metadata: g.metadata } : {}) };
}

function toWireProfile(p: StoredProfile): WireProfile {
  return p;
}

function fromWireGroup(w: WireGroup): StoredGroup {
  // proto3 cannot tell absent bytes from empty ones; Go sees both as nil
  return { id: w.id, name: w.name, profile: w.profile, selector: { ...w.selector }, metadata: w.metadata?.length ? Buffer.from(w.metadata) : undefined };
}

function fromWireProfile(w: WireProfile): StoredProfile {
  return { id: w.id, name: w.name, ignition_id: w.ignition_id, cloud_id: w.cloud_id, generic_id: w.generic_id, boot: w.boot ? { kernel: w.boot.kernel, initrd: [...w.boot.initrd], args: [...w.boot.args] } : null };
}

function assertValidGroup(g: StoredGroup): void {
  if (!g.id) throw new GoError("Id is required");
  if (!g.profile) throw new GoError("Group requires a Profile");
  // ToRichGroup decodes the metadata before writing: bytes that are not a JSON object fail the put
  if (g.metadata) parseGoJsonObject(g.metadata.toString("utf8"), "map[string]interface {}");
}

/**
 * selectStoredGroup is server.SelectGroup over the store. Over gRPC an empty labels map
 * arrives in Go as a nil map, which Group.Matches refuses outright: then only a group
 * without selectors matches (over HTTP the labels are never nil, and a missing label is "").
 */
export function selectStoredGroup(store: FileStore, labels: Labels, o: { grpc?: boolean } = {}): StoredGroup | undefined {
  const groups = store.groupList();
  if (o.grpc && Object.keys(labels).length === 0) return selectGroup(groups.filter((g) => Object.keys(g.selector).length === 0), labels);
  return selectGroup(groups, labels);
}

type Handler = (request: Record<string, unknown>) => object;

function handlers(store: FileStore): Record<ServiceName, Record<string, Handler>> {
  return {
    Groups: {
      GroupPut: ({ group }) => {
        const g = fromWireGroup(group as WireGroup);
        assertValidGroup(g);
        store.groupPut(g);
        return {};
      },
      GroupGet: ({ id }) => ({ group: toWireGroup(store.groupGet(id as string)) }),
      GroupDelete: ({ id }) => (store.groupDelete(id as string), {}),
      GroupList: () => ({ groups: (store.groupList()).map(toWireGroup) }),
    },
    Profiles: {
      ProfilePut: ({ profile }) => {
        const p = fromWireProfile(profile as WireProfile);
        if (!p.id) throw new GoError("Id is required");
        store.profilePut(p);
        return {};
      },
      ProfileGet: ({ id }) => ({ profile: toWireProfile(store.profileGet(id as string)) }),
      ProfileDelete: ({ id }) => (store.profileDelete(id as string), {}),
      ProfileList: () => ({ profiles: (store.profileList()).map(toWireProfile) }),
    },
    Ignition: {
      IgnitionPut: ({ name, config }) => (store.ignitionPut(name as string, config as Buffer), {}),
      IgnitionGet: ({ name }) => ({ config: store.ignitionGet(name as string) }),
      IgnitionDelete: ({ name }) => (store.ignitionDelete(name as string), {}),
    },
    Generic: {
      GenericPut: ({ name, config }) => (store.genericPut(name as string, config as Buffer), {}),
      GenericGet: ({ name }) => ({ config: store.genericGet(name as string) }),
      GenericDelete: ({ name }) => (store.genericDelete(name as string), {}),
    },
    Select: {
      SelectGroup: ({ labels }) => {
        const group = selectStoredGroup(store, labels as Labels, { grpc: true });
        if (!group) throw new NoMatch("matchbox: No matching Group");
        return { group: toWireGroup(group) };
      },
      SelectProfile: ({ labels }) => {
        // server.SelectProfile turns any failure of SelectGroup (even a missing groups/ folder) into no match
        const group = orUndefined(() => selectStoredGroup(store, labels as Labels, { grpc: true }));
        if (!group) throw new NoMatch("matchbox: No matching Group");
        const profile = orUndefined(() => store.profileGet(group.profile));
        if (!profile) throw new NoMatch("matchbox: No matching Profile");
        return { profile: toWireProfile(profile) };
      },
    },
  };
}

/** grpcError is rpc/errors.go: no match is NOT_FOUND, everything else Unknown with the error's text. */
function grpcError(e: unknown): Partial<grpc.ServiceError> {
  if (e instanceof NoMatch) return { code: grpc.status.NOT_FOUND, details: e.message };
  return { code: grpc.status.UNKNOWN, details: e instanceof Error ? e.message : String(e) };
}

/** addMatchboxServices registers the five rpcpb services on a grpc-js server. */
export function addMatchboxServices(server: grpc.Server, store: FileStore, hook?: RpcHook): void {
  const definitions = matchboxServices();
  for (const [service, methods] of Object.entries(handlers(store)) as Array<[ServiceName, Record<string, Handler>]>) {
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, handle] of Object.entries(methods)) {
      implementation[method] = (call: grpc.ServerUnaryCall<Record<string, unknown>, object>, callback: grpc.sendUnaryData<object>) => {
        Promise.resolve()
          .then(() => hook?.(method))
          .then(() => handle(call.request))
          .then((response) => callback(null, response), (e: unknown) => callback(grpcError(e)));
      };
    }
    server.addService(definitions[service], implementation);
  }
}
