// Connecting to matchbox's gRPC API from a command: the endpoint and the TLS files come
// from flags, then the environment, then state (what pxectl init recorded), each setting
// on its own. The client certificate is checked before dialling, and grpc-js loads only
// here, when a command really talks to matchbox.
import { isAbsolute, resolve } from "node:path";
import type { Clock } from "../core/clock";
import { UsageError } from "../core/errors";
import { statePaths } from "../config/state";
import { type ClientTlsFiles, loadClientTls, tlsPaths } from "../pki";
import type { MatchboxApi } from "./types";

/** MatchboxOverrides are the connection flags: --endpoint, --ca-file, --cert-file, --key-file. */
export interface MatchboxOverrides {
  endpoint?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** CommandScope is what connectMatchbox uses of a command's run: where state lives, the run's clock, signal and log, and its cleanups. */
export interface CommandScope {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stateDir: string;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly out: { verbose(line: string): void };
  readonly display: (path: string) => string;
  readState(): Promise<{ state: { matchbox?: Record<string, unknown> | null } }>;
  defer(cleanup: () => unknown): void;
}

/** MatchboxSettings are the resolved endpoint and files, and where the endpoint came from. */
export interface MatchboxSettings extends ClientTlsFiles {
  endpoint: string;
  endpointFrom: "--endpoint" | "PXECTL_MATCHBOX_ENDPOINT" | "state";
}

/** MatchboxConnection is an open client and the endpoint ownership is recorded under. */
export interface MatchboxConnection {
  api: MatchboxApi;
  endpoint: string;
}

/** MATCHBOX_ENV names the environment variables that stand in for the flags. */
export const MATCHBOX_ENV = {
  endpoint: "PXECTL_MATCHBOX_ENDPOINT",
  caFile: "PXECTL_MATCHBOX_CA_FILE",
  certFile: "PXECTL_MATCHBOX_CERT_FILE",
  keyFile: "PXECTL_MATCHBOX_KEY_FILE",
} as const;

/** parseEndpoint checks host:port (IPv6 in brackets), the form matchbox's clients take: no scheme, no path. */
export function parseEndpoint(value: string, from: string): string {
  const endpoint = value.trim();
  const hint = "write it as host:port, e.g. 192.168.0.1:8081 or matchbox.example.com:8081";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    throw new UsageError(`${from}: matchbox endpoint "${value}" must be host:port, without a scheme`, { hint });
  }
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(endpoint);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`${from}: "${value}" is not a matchbox endpoint (host:port)`, { hint });
  return endpoint;
}

/** resolveMatchboxSettings applies flags > env > state to each setting; relative paths are relative to cwd. */
export function resolveMatchboxSettings(o: { flags: MatchboxOverrides; env: NodeJS.ProcessEnv; cwd: string; stateDir: string; state: { matchbox?: Record<string, unknown> | null } }): MatchboxSettings {
  const recorded = o.state.matchbox?.grpc_endpoint;
  let endpoint: string;
  let endpointFrom: MatchboxSettings["endpointFrom"];
  if (o.flags.endpoint !== undefined) [endpoint, endpointFrom] = [parseEndpoint(o.flags.endpoint, "--endpoint"), "--endpoint"];
  else if (o.env[MATCHBOX_ENV.endpoint]) [endpoint, endpointFrom] = [parseEndpoint(o.env[MATCHBOX_ENV.endpoint]!, MATCHBOX_ENV.endpoint), MATCHBOX_ENV.endpoint];
  else if (typeof recorded === "string") [endpoint, endpointFrom] = [parseEndpoint(recorded, "state matchbox.grpc_endpoint"), "state"];
  else {
    throw new UsageError("no matchbox endpoint is known", {
      hint: `pass --endpoint host:port or set ${MATCHBOX_ENV.endpoint}; pxectl init (pxectl lab up in a lab) records it for its own host (profile plan --offline and profile render need none)`,
    });
  }
  const tls = tlsPaths(statePaths(o.stateDir).tls);
  const file = (flag: string | undefined, env: string, fallback: string) => {
    const given = flag ?? (o.env[env] || undefined);
    return given === undefined ? fallback : isAbsolute(given) ? given : resolve(o.cwd, given);
  };
  return {
    endpoint,
    endpointFrom,
    caFile: file(o.flags.caFile, MATCHBOX_ENV.caFile, tls.ca.cert),
    certFile: file(o.flags.certFile, MATCHBOX_ENV.certFile, tls.client.cert),
    keyFile: file(o.flags.keyFile, MATCHBOX_ENV.keyFile, tls.client.key),
  };
}

/** openMatchbox checks the TLS files and opens a client; the caller closes it. For code with explicit settings (tests, the boot lab). */
export async function openMatchbox(settings: ClientTlsFiles & { endpoint: string }, o: { display?: (p: string) => string; now?: Date; deadlineMs?: number; signal?: AbortSignal } = {}): Promise<MatchboxApi> {
  const tls = await loadClientTls(settings, { display: o.display ?? ((p) => p), now: o.now ?? new Date() });
  const { GrpcMatchbox } = await import("./client");
  return new GrpcMatchbox({ endpoint: settings.endpoint, tls, deadlineMs: o.deadlineMs, signal: o.signal });
}

/** connectMatchbox resolves the settings for a command, checks the client certificate and connects; the connection closes when the command ends. */
export function connectMatchbox(ctx: CommandScope, overrides: MatchboxOverrides = {}): Promise<MatchboxConnection> {
  // one connection per command and settings: watch pushes once per installed node
  const key = JSON.stringify(overrides);
  const open = connections.get(ctx) ?? new Map<string, Promise<MatchboxConnection>>();
  connections.set(ctx, open);
  let connection = open.get(key);
  if (!connection) {
    connection = connectOnce(ctx, overrides);
    open.set(key, connection);
    connection.catch(() => open.delete(key));
  }
  return connection;
}

const connections = new WeakMap<CommandScope, Map<string, Promise<MatchboxConnection>>>();

async function connectOnce(ctx: CommandScope, overrides: MatchboxOverrides): Promise<MatchboxConnection> {
  const state = await ctx.readState();
  const settings = resolveMatchboxSettings({ flags: overrides, env: ctx.env, cwd: ctx.cwd, stateDir: ctx.stateDir, state: state.state });
  const api = await openMatchbox(settings, { display: ctx.display, now: new Date(ctx.clock.now()), signal: ctx.signal });
  ctx.defer(() => api.close());
  ctx.out.verbose(`matchbox gRPC endpoint ${settings.endpoint} (from ${settings.endpointFrom})`);
  return { api, endpoint: settings.endpoint };
}
