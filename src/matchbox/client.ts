// The matchbox gRPC client: MatchboxApi over one HTTP/2 connection with mutual TLS, a
// deadline on every call, and every failure mapped by fromGrpc. Loaded lazily (grpc-js is
// heavy); connectMatchbox in ./connect is the way in for commands.
import { isIP } from "node:net";
import { checkServerIdentity } from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { type CallSite, fromGrpc, type ObjectKind } from "./errors";
import { type ServiceName, methodOf } from "./proto";
import type { Group, Labels, MatchboxApi, Profile } from "./types";
import { type WireGroup, type WireProfile, fromWireGroup, fromWireProfile, toWireGroup, toWireProfile } from "./wire";
import { InterruptedError, NotFoundError } from "../core/errors";

/** ClientTls is the PEM text of the CA that issued matchbox's certificate, and pxectl's pair. */
export interface ClientTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** GrpcMatchboxOptions configures a client. */
export interface GrpcMatchboxOptions {
  /** host:port of matchbox's -rpc-address. */
  endpoint: string;
  tls: ClientTls;
  /** Deadline of each call (default 15 s). */
  deadlineMs?: number;
  /** Aborting cancels every call in flight. */
  signal?: AbortSignal;
}

/** DEFAULT_DEADLINE_MS bounds each call: matchbox answers from local files, so this is generous. */
export const DEFAULT_DEADLINE_MS = 15_000;

// matchbox's own limit is grpc-go's 4 MiB; a list of many profiles can exceed grpc-js's default
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

function hostOf(endpoint: string): string {
  return endpoint.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
}

/** GrpcMatchbox implements MatchboxApi against a real matchbox (or the test server). */
export class GrpcMatchbox implements MatchboxApi {
  readonly endpoint: string;
  private readonly client: grpc.Client;
  private readonly deadlineMs: number;
  private readonly calls = new Set<grpc.ClientUnaryCall>();
  private readonly onAbort = () => {
    for (const call of this.calls) call.cancel();
  };

  constructor(private readonly o: GrpcMatchboxOptions) {
    this.endpoint = o.endpoint;
    this.deadlineMs = o.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const host = hostOf(o.endpoint);
    const credentials = grpc.credentials.createSsl(Buffer.from(o.tls.caPem), Buffer.from(o.tls.keyPem), Buffer.from(o.tls.certPem), {
      // still verified against the address dialled (see the target name override below)
      checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert),
    });
    const options: grpc.ChannelOptions = { "grpc.max_receive_message_length": MAX_RECEIVE_BYTES };
    // An IP address as TLS server name makes Node print a deprecation warning (RFC 6066
    // forbids it); send a neutral name instead: matchbox ignores SNI, and checkServerIdentity
    // above still checks the certificate against the IP address.
    if (isIP(host)) options["grpc.ssl_target_name_override"] = "matchbox";
    this.client = new grpc.Client(o.endpoint, credentials, options);
    o.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  private call<Res>(service: ServiceName, method: string, request: object, site: Omit<CallSite, "endpoint" | "method" | "deadlineMs"> = {}): Promise<Res> {
    const m = methodOf(service, method);
    const where: CallSite = { ...site, endpoint: this.endpoint, method, deadlineMs: this.deadlineMs };
    return new Promise<Res>((resolve, reject) => {
      const interrupted = () => new InterruptedError("interrupted", { hint: "what matchbox received is recorded; run the same command again to finish" });
      if (this.o.signal?.aborted) return reject(interrupted());
      const call = this.client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, { deadline: Date.now() + this.deadlineMs }, (err, response) => {
        this.calls.delete(call);
        if (err) reject(this.o.signal?.aborted ? interrupted() : fromGrpc(err, where));
        else resolve(response as Res);
      });
      this.calls.add(call);
    });
  }

  private object(kind: ObjectKind, id: string) {
    return { object: { kind, id } };
  }

  /** list treats a missing folder (a fresh matchbox has no groups/ yet) as empty. */
  private async list<T>(work: () => Promise<T[]>): Promise<T[]> {
    try {
      return await work();
    } catch (e) {
      if (e instanceof NotFoundError) return [];
      throw e;
    }
  }

  async groupPut(group: Group): Promise<void> {
    await this.call("Groups", "GroupPut", { group: toWireGroup(group) }, this.object("group", group.id));
  }
  async groupGet(id: string): Promise<Group> {
    return fromWireGroup((await this.call<{ group: WireGroup }>("Groups", "GroupGet", { id }, this.object("group", id))).group);
  }
  async groupDelete(id: string): Promise<void> {
    await this.call("Groups", "GroupDelete", { id }, this.object("group", id));
  }
  groupList(): Promise<Group[]> {
    return this.list(async () => (await this.call<{ groups: WireGroup[] }>("Groups", "GroupList", {})).groups.map(fromWireGroup));
  }
  async profilePut(profile: Profile): Promise<void> {
    await this.call("Profiles", "ProfilePut", { profile: toWireProfile(profile) }, this.object("profile", profile.id));
  }
  async profileGet(id: string): Promise<Profile> {
    return fromWireProfile((await this.call<{ profile: WireProfile }>("Profiles", "ProfileGet", { id }, this.object("profile", id))).profile);
  }
  async profileDelete(id: string): Promise<void> {
    await this.call("Profiles", "ProfileDelete", { id }, this.object("profile", id));
  }
  profileList(): Promise<Profile[]> {
    return this.list(async () => (await this.call<{ profiles: WireProfile[] }>("Profiles", "ProfileList", {})).profiles.map(fromWireProfile));
  }
  async ignitionPut(name: string, config: Uint8Array): Promise<void> {
    await this.call("Ignition", "IgnitionPut", { name, config: Buffer.from(config) }, this.object("Ignition config", name));
  }
  async ignitionGet(name: string): Promise<Uint8Array> {
    return (await this.call<{ config: Buffer }>("Ignition", "IgnitionGet", { name }, this.object("Ignition config", name))).config;
  }
  async ignitionDelete(name: string): Promise<void> {
    await this.call("Ignition", "IgnitionDelete", { name }, this.object("Ignition config", name));
  }
  async genericPut(name: string, config: Uint8Array): Promise<void> {
    await this.call("Generic", "GenericPut", { name, config: Buffer.from(config) }, this.object("generic config", name));
  }
  async genericGet(name: string): Promise<Uint8Array> {
    return (await this.call<{ config: Buffer }>("Generic", "GenericGet", { name }, this.object("generic config", name))).config;
  }
  async genericDelete(name: string): Promise<void> {
    await this.call("Generic", "GenericDelete", { name }, this.object("generic config", name));
  }
  async selectGroup(labels: Labels): Promise<Group> {
    return fromWireGroup((await this.call<{ group: WireGroup }>("Select", "SelectGroup", { labels }, { labels })).group);
  }
  async selectProfile(labels: Labels): Promise<Profile> {
    return fromWireProfile((await this.call<{ profile: WireProfile }>("Select", "SelectProfile", { labels }, { labels })).profile);
  }

  /** close cancels nothing in flight but releases the connection once calls end; idempotent. */
  close(): void {
    this.o.signal?.removeEventListener("abort", this.onAbort);
    this.client.close();
  }
}
