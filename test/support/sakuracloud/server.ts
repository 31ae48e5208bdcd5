// The SakuraCloud test server: node:http on 127.0.0.1, same paths, envelopes and errors
// as https://secure.sakura.ad.jp/cloud/zone/<zone>/api/cloud/1.1/..., with async states,
// fault injection, a request log and a list of everything clients made.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, badRequest, busy, locked, notFound, unauthorized } from "./api-error";
import { type AnswerOverride, AnswerOverrides } from "./answers";
import { type FaultKind, type FaultOptions, Faults, type ScriptedFault } from "./faults";
import { type MachineOptions, Machines } from "./machines";
import type { Kind } from "./records";
import { type ApiRequest, type Reply, type Ticks, type World, done } from "./resources/common";
import { matchRoute } from "./routes";
import { seed } from "./seed";
import { Store } from "./store";
import { type TickMode, Timeline } from "./timeline";
import { encode, parseQuery } from "./wire-json";

export interface TestCredentials {
  accessToken: string;
  accessTokenSecret: string;
}

export interface SakuraTestServerOptions {
  /** The only API key accepted (a fixed test key by default). */
  credentials?: TestCredentials;
  /** Ticks per asynchronous change (3 each, as the Go fake). */
  ticks?: Partial<Ticks>;
  /** What makes a tick: every request (default), a timer, or only tick(). */
  tickMode?: TickMode;
  faults?: FaultOptions;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Called for every finished request, e.g. to print a log line. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Back the resources with real machines (bridges, QEMU VMs, nftables) in a network namespace; needs root. */
  machines?: MachineOptions;
}

/** RequestLogEntry is one request as the server saw it. */
export interface RequestLogEntry {
  seq: number;
  /** Wall-clock arrival time in ms. */
  at: number;
  method: string;
  zone: string;
  /** Below api/cloud/1.1, e.g. "server/113600000001/power". */
  path: string;
  query: unknown;
  body: unknown;
  status: number | "dropped";
  fault?: FaultKind;
}

/** InventoryItem is something a client made that still exists. */
export interface InventoryItem {
  zone: string;
  kind: Kind;
  id: string;
  name: string;
}

export interface SakuraTestServer {
  /** What SAKURA_API_ROOT_URL should be: http://127.0.0.1:<port>/cloud/zone */
  readonly rootUrl: string;
  readonly credentials: TestCredentials;
  readonly requests: readonly RequestLogEntry[];
  readonly store: Store;
  /** inventory lists everything clients made that still exists (NICs included), for orphan checks. */
  inventory(): InventoryItem[];
  /** script makes the next matching requests fail in a chosen way. */
  script(fault: ScriptedFault): void;
  setFaults(faults: FaultOptions): void;
  /** override rewrites the answers of matching requests; call the result to remove it. */
  override(o: AnswerOverride): () => void;
  tick(n?: number): void;
  /** The real machines behind the resources, in the machine-backed mode. */
  readonly machines?: Machines;
  close(): Promise<void>;
}

export const DEFAULT_TEST_CREDENTIALS: TestCredentials = { accessToken: "pxectl-test-token", accessTokenSecret: "pxectl-test-secret" };
const ROUTE = /^\/cloud\/zone\/([^/]+)\/api\/cloud\/1\.1\/(.*)$/;

function authorized(req: IncomingMessage, c: TestCredentials): boolean {
  const m = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  return m !== null && Buffer.from(m[1]!, "base64").toString("utf8") === `${c.accessToken}:${c.accessTokenSecret}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** startSakuraTestServer listens on 127.0.0.1 and resolves once it accepts connections. */
export async function startSakuraTestServer(o: SakuraTestServerOptions = {}): Promise<SakuraTestServer> {
  const credentials = o.credentials ?? DEFAULT_TEST_CREDENTIALS;
  const machines = o.machines ? await Machines.start(o.machines) : undefined;
  const shared = machines?.network.shared;
  // the zone's name servers stand on the uplink side, inside the namespace: the host VM's resolv.conf names them
  const store = new Store(Date.now, shared && { networkAddress: shared.network, networkMaskLen: shared.maskLen, defaultRoute: shared.gateway }, machines && [machines.network.uplinkAddress]);
  seed(store);
  machines?.attach(store);
  const timeline = new Timeline(o.tickMode ?? "request");
  const world: World = { store, timeline, ticks: { diskCopy: 3, powerOn: 3, powerOff: 3, ...o.ticks }, machines };
  const faults = new Faults(o.faults);
  const requests: RequestLogEntry[] = [];
  const overrides = new AnswerOverrides();

  function handle(r: ApiRequest): Reply | Promise<Reply> {
    const match = matchRoute(r.method, r.path);
    if (!match) throw notFound();
    return match.route.handler(world, { ...r, params: match.params });
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, zone = "", path = ""] = ROUTE.exec(url.pathname) ?? [];
    const entry: RequestLogEntry = { seq: requests.length + 1, at: Date.now(), method: req.method ?? "GET", zone, path, query: undefined, body: undefined, status: 0 };
    requests.push(entry);
    const send = (original: Reply) => {
      const reply = overrides.apply(entry.method, path, original);
      entry.status = reply.status;
      res.writeHead(reply.status, { "Content-Type": "application/json; charset=UTF-8" });
      res.end(typeof reply.body === "string" ? reply.body : encode(reply.body, { bigintIds: req.headers["x-sakura-bigint-as-int"] === "1" }));
    };
    const drop = () => {
      entry.status = "dropped";
      req.socket.destroy();
    };
    try {
      const text = await readBody(req);
      const fault = faults.pick(entry.method, path);
      entry.fault = fault?.kind;
      const latency = faults.latencyMs() + (fault?.delayMs ?? 0);
      if (latency > 0) await sleep(latency);
      if (entry.fault === "drop-before") return drop();
      if (entry.fault === "busy") throw busy();
      if (entry.fault === "locked") throw locked();
      if (!authorized(req, credentials)) throw unauthorized();
      if (!store.zone(zone)) throw notFound();
      timeline.onRequest();
      // req.url, not url.search: URL parsing would escape the quotes of a raw JSON query
      const raw = (req.url ?? "").split("?").slice(1).join("?");
      try {
        entry.query = parseQuery(raw);
        entry.body = text === "" ? undefined : (JSON.parse(text) as unknown);
      } catch {
        throw badRequest("JSONの形式が不正です。");
      }
      if (entry.body !== undefined && (entry.body === null || typeof entry.body !== "object" || Array.isArray(entry.body))) throw badRequest("JSONの形式が不正です。");
      const reply = entry.fault === "swallow" ? done() : await handle({ method: entry.method, zone, path, params: {}, query: entry.query, body: entry.body as ApiRequest["body"] });
      if (entry.fault === "drop-after") return drop();
      send(reply);
    } catch (e) {
      if (entry.fault === "drop-after") return drop();
      if (e instanceof ApiError) return send({ status: e.status, body: e.body() });
      process.stderr.write(`sakuracloud test server: ${entry.method} ${path}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      send({ status: 500, body: { is_fatal: true, serial: "", status: "500 Internal Server Error", error_code: "internal", error_msg: String(e) } });
    } finally {
      o.onRequest?.(entry);
    }
  }

  const server: Server = createServer((req, res) => void serve(req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port ?? 0, "127.0.0.1", resolve);
    });
  } catch (e) {
    await machines?.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;

  return {
    rootUrl: `http://127.0.0.1:${port}/cloud/zone`,
    credentials,
    requests,
    store,
    inventory: () => store.created().map((r) => ({ zone: r.zone, kind: r.kind, id: r.id, name: r.kind === "interface" ? r.mac : r.name })),
    script: (f) => faults.script(f),
    setFaults: (f) => faults.set(f),
    override: (o) => overrides.add(o),
    tick: (n) => timeline.tick(n),
    machines,
    close: async () => {
      await new Promise<void>((resolve) => {
        timeline.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await machines?.close();
    },
  };
}
