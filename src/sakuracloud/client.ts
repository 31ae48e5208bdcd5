// createSakuraApi: the HTTP implementation of the SakuraApi port. Its transport, clock,
// rate limiter and logger are parameters, so tests and later commands inject their own.
import { randomBytes } from "node:crypto";
import { type Clock, systemClock } from "../core/clock";
import { type Backoff, DEFAULT_RATE_PER_SECOND, type RateLimiter, TokenBucket } from "../retry";
import type { ClientContext } from "./client-context";
import { type Credentials, SakuraHttp, type SecretSink } from "./http";
import { archiveApi } from "./resources/archives";
import { diskApi } from "./resources/disks";
import { interfaceApi } from "./resources/interfaces";
import { packetFilterApi } from "./resources/packet-filters";
import { planApi } from "./resources/plans";
import { serverApi } from "./resources/servers";
import { sshKeyApi } from "./resources/ssh-keys";
import { switchApi } from "./resources/switches";
import { zoneApi } from "./resources/zone-info";
import { checkEnvName, envTag, isManagedBy } from "./tags";
import { type HttpTransport, nodeHttpTransport } from "./transport";
import type { ManagedResource, SakuraApi } from "./types";
import { DEFAULT_API_ROOT_URL, type Zone, normalizeRootUrl } from "./zones";

export interface SakuraClientOptions {
  zone: Zone;
  /** The pxectl environment: every create is tagged with it. */
  env: string;
  credentials: Credentials;
  /** Where the credentials came from, named in authentication errors (never their value). */
  credentialSource: string;
  rootUrl?: string;
  /** Defaults to node:http(s) with keep-alive. */
  transport?: HttpTransport;
  clock?: Clock;
  /** Defaults to a TokenBucket at rateLimit requests per second. */
  limiter?: RateLimiter;
  rateLimit?: number;
  retry?: { maxAttempts?: number; backoff?: Backoff };
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Output's redactor: the credentials and disk passwords are registered with it. */
  secrets?: SecretSink;
}

/** HttpSakuraApi is the SakuraApi of createSakuraApi; close releases its connections. */
export interface HttpSakuraApi extends SakuraApi {
  close(): void;
}

/** createSakuraApi builds a client for one zone and one environment. */
export function createSakuraApi(o: SakuraClientOptions): HttpSakuraApi {
  const env = checkEnvName(o.env);
  const clock = o.clock ?? systemClock;
  const transport = o.transport ?? nodeHttpTransport();
  const http = new SakuraHttp({
    rootUrl: normalizeRootUrl(o.rootUrl ?? DEFAULT_API_ROOT_URL, "API root URL"),
    credentials: o.credentials,
    credentialSource: o.credentialSource,
    transport,
    clock,
    limiter: o.limiter ?? new TokenBucket({ ratePerSecond: o.rateLimit ?? DEFAULT_RATE_PER_SECOND, clock }),
    retry: o.retry,
    requestTimeoutMs: o.requestTimeoutMs,
    signal: o.signal,
    log: o.log,
    secrets: o.secrets,
  });
  const ctx: ClientContext = {
    http,
    zone: o.zone,
    env,
    requestId: () => randomBytes(6).toString("hex"),
    secrets: o.secrets,
    log: o.log,
    clock,
    backoff: o.retry?.backoff,
    signal: o.signal,
  };
  const api = {
    zone: o.zone,
    env,
    zones: zoneApi(ctx),
    plans: planApi(ctx),
    archives: archiveApi(ctx),
    switches: switchApi(ctx),
    servers: serverApi(ctx),
    disks: diskApi(ctx),
    interfaces: interfaceApi(ctx),
    sshKeys: sshKeyApi(ctx),
    packetFilters: packetFilterApi(ctx),
    close: () => transport.close(),
  };
  return { ...api, listManaged: () => listManaged(api, env) };
}

async function listManaged(api: Omit<SakuraApi, "listManaged">, env: string): Promise<ManagedResource[]> {
  const tagged = { tags: [envTag(env)] };
  const [servers, disks, switches, filters, keys] = await Promise.all([
    api.servers.list(tagged),
    api.disks.list(tagged),
    api.switches.list(tagged),
    api.packetFilters.list(),
    api.sshKeys.list(),
  ]);
  return [
    ...servers.items.map((r) => ({ kind: "server" as const, id: r.id, name: r.name })),
    ...disks.items.map((r) => ({ kind: "disk" as const, id: r.id, name: r.name })),
    ...switches.items.map((r) => ({ kind: "switch" as const, id: r.id, name: r.name })),
    ...filters.items.filter((r) => isManagedBy(r.description, env)).map((r) => ({ kind: "packetfilter" as const, id: r.id, name: r.name })),
    ...keys.items.filter((r) => isManagedBy(r.description, env)).map((r) => ({ kind: "sshkey" as const, id: r.id, name: r.name })),
  ];
}
