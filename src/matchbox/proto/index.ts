// matchbox's gRPC API as service definitions for grpc-js, from our own .proto files. They
// are embedded as text (the single binary reads no files) and parsed into one protobufjs
// root, so the imports between them resolve without a file system.
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";
import { fromJSON } from "@grpc/proto-loader";
import protobuf from "protobufjs";
import messages from "./messages.proto";
import rpc from "./rpc.proto";
import storage from "./storage.proto";

/** PROTO_FILES maps each import path matchbox uses to our text of that file. */
export const PROTO_FILES: Readonly<Record<string, string>> = {
  "matchbox/storage/storagepb/storage.proto": storage,
  "matchbox/server/serverpb/messages.proto": messages,
  "matchbox/rpc/rpcpb/rpc.proto": rpc,
};

/** ServiceName is one of matchbox's five services (package rpcpb). */
export type ServiceName = "Groups" | "Profiles" | "Ignition" | "Generic" | "Select";

/** SERVICE_NAMES lists the services in the order matchbox registers them. */
export const SERVICE_NAMES: readonly ServiceName[] = ["Groups", "Profiles", "Select", "Ignition", "Generic"];

/** MatchboxServices holds each service's definition (method path, (de)serializers). */
export type MatchboxServices = Record<ServiceName, ServiceDefinition>;

let loaded: MatchboxServices | undefined;

function parseAll(): protobuf.Root {
  const root = new protobuf.Root();
  for (const [path, text] of Object.entries(PROTO_FILES)) {
    const parsed = protobuf.parse(text, root, { keepCase: true });
    // protobufjs does not load imports of parsed text: each must be one of ours
    for (const imported of parsed.imports ?? []) {
      if (!(imported in PROTO_FILES)) throw new Error(`${path} imports ${imported}, which is not embedded`);
    }
  }
  root.resolveAll();
  return root;
}

/** matchboxServices parses the protos once and returns the service definitions. */
export function matchboxServices(): MatchboxServices {
  if (!loaded) {
    // keepCase: fields keep matchbox's snake_case names (ignition_id), as in types.ts;
    // defaults: absent fields read as "" / [] / {} as in Go; bytes stay Buffers
    const definition = fromJSON(parseAll().toJSON(), { keepCase: true, defaults: true, longs: String, enums: String });
    const service = (name: ServiceName) => definition[`rpcpb.${name}`] as ServiceDefinition;
    loaded = { Groups: service("Groups"), Profiles: service("Profiles"), Ignition: service("Ignition"), Generic: service("Generic"), Select: service("Select") };
  }
  return loaded;
}

/** methodOf returns one RPC's definition, e.g. methodOf("Groups", "GroupPut"). */
export function methodOf(service: ServiceName, method: string): MethodDefinition<object, object> {
  const m = matchboxServices()[service][method];
  if (!m) throw new Error(`rpcpb.${service} has no method ${method}`);
  return m as MethodDefinition<object, object>;
}
