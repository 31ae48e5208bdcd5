// SakuraHttp: one authenticated, paced and retried JSON call to a zone's API. It builds
// URLs and headers, takes a rate-limit token for every attempt, retries 503/423 and lost
// connections where that is safe, and translates failures once (errors.ts).
import type { Clock } from "../core/clock";
import { CloudApiError } from "../core/errors";
import { type Backoff, type RateLimiter, fullJitterBackoff, retry } from "../retry";
import { ApiFailure, type CallContext, classify, toCloudApiError } from "./errors";
import { type FindRequest, findQueryString } from "./query";
import { type HttpTransport, TransportError } from "./transport";
import { type Zone, zoneApiUrl } from "./zones";

export interface Credentials {
  accessToken: string;
  accessTokenSecret: string;
}

/** SecretSink takes values that must never be shown; Output's Redactor is one. */
export interface SecretSink {
  add(secret: string | undefined): void;
}

export interface SakuraHttpOptions {
  rootUrl: string;
  credentials: Credentials;
  /** Where the credentials came from, named in authentication errors. */
  credentialSource: string;
  transport: HttpTransport;
  clock: Clock;
  limiter: RateLimiter;
  retry?: { maxAttempts?: number; backoff?: Backoff };
  /** 300 s, as the Go clients' HTTPRequestTimeout. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  /** Receives one line per attempt: method, path, status, time. Never bodies or headers. */
  log?: (line: string) => void;
  /** Registered with the credentials (and the Authorization header) before any request. */
  secrets?: SecretSink;
  userAgent?: string;
}

/** ApiCall is one call: what it does (for messages) and what it sends. */
export interface ApiCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  zone: Zone;
  /** Below api/cloud/1.1, e.g. "server/113301644830/power". */
  path: string;
  what: string;
  query?: FindRequest;
  body?: unknown;
  /** Whether sending twice is harmless; POST is not, unless said otherwise. */
  idempotent?: boolean;
  /**
   * After an attempt whose answer was lost, a later attempt may fail only because the
   * first one worked (a DELETE answered 404, a power-on answered 409). This says which.
   */
  doneIf?: (failure: ApiFailure) => boolean;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

/** SakuraHttp sends ApiCalls. */
export class SakuraHttp {
  private readonly authorization: string;
  private readonly backoff: Backoff;

  constructor(private readonly o: SakuraHttpOptions) {
    const { accessToken, accessTokenSecret } = o.credentials;
    this.authorization = `Basic ${Buffer.from(`${accessToken}:${accessTokenSecret}`).toString("base64")}`;
    o.secrets?.add(accessToken);
    o.secrets?.add(accessTokenSecret);
    o.secrets?.add(this.authorization.slice("Basic ".length));
    this.backoff = o.retry?.backoff ?? fullJitterBackoff();
  }

  /** call sends c and returns the parsed JSON answer (undefined when an earlier lost attempt had done the work). */
  async call<T>(c: ApiCall): Promise<T> {
    const idempotent = c.idempotent ?? c.method !== "POST";
    let lostAnswer = false;
    const context: CallContext = { what: c.what, zone: c.zone, credentialSource: this.o.credentialSource, apiHost: new URL(this.o.rootUrl).host };
    try {
      return await retry(
        async (attempt) => {
          try {
            return await this.attempt<T>(c, attempt);
          } catch (e) {
            if (lostAnswer && e instanceof ApiFailure && c.doneIf?.(e)) return undefined as T;
            if (e instanceof TransportError && e.maybeSent && idempotent) lostAnswer = true;
            throw e;
          }
        },
        {
          classify: (e) => classify(e, idempotent),
          clock: this.o.clock,
          limiter: this.o.limiter,
          maxAttempts: this.o.retry?.maxAttempts,
          backoff: this.backoff,
          signal: this.o.signal,
          onRetry: (r) => this.o.log?.(`retrying ${c.method} ${c.zone}/${c.path} in ${r.delayMs}ms (${r.errorClass}: ${describe(r.error)})`),
        },
      );
    } catch (e) {
      throw toCloudApiError(e, context);
    }
  }

  private async attempt<T>(c: ApiCall, attempt: number): Promise<T> {
    const started = this.o.clock.now();
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      // No X-Sakura-Bigint-As-Int: without it the API sends IDs as strings, and strings
      // keep every digit even beyond 2^53, where a JS number would round.
      "X-Requested-With": "XMLHttpRequest",
      Accept: "application/json",
      "User-Agent": this.o.userAgent ?? "pxectl",
    };
    let body: string | undefined;
    if (c.body !== undefined) {
      body = JSON.stringify(c.body);
      headers["Content-Type"] = "application/json; charset=UTF-8";
    }
    const url = `${zoneApiUrl(this.o.rootUrl, c.zone)}/${c.path}${c.query ? findQueryString(c.query) : ""}`;
    let status: number | string = "-";
    try {
      const res = await this.o.transport.send({
        method: c.method,
        url,
        headers,
        body,
        timeoutMs: this.o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        signal: this.o.signal,
      });
      status = res.status;
      if (res.status < 200 || res.status > 299) throw new ApiFailure(res.status, res.body);
      return parseJson<T>(res.body, c, this.o.rootUrl);
    } catch (e) {
      if (status === "-") status = describe(e);
      throw e;
    } finally {
      this.o.log?.(`${c.method} ${c.zone}/${c.path} ${status} ${this.o.clock.now() - started}ms${attempt > 1 ? ` (attempt ${attempt})` : ""}`);
    }
  }
}

function parseJson<T>(body: string, c: ApiCall, rootUrl: string): T {
  if (body.trim() === "") return {} as T;
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new CloudApiError(`${c.what} in ${c.zone}: the API at ${rootUrl} answered with something that is not JSON`, {
      hint: "check that SAKURA_API_ROOT_URL (or the profile's APIRootURL) points to the SakuraCloud API",
    });
  }
}

function describe(e: unknown): string {
  if (e instanceof ApiFailure) return `${e.status} ${e.code}`.trim();
  if (e instanceof Error) return (e as NodeJS.ErrnoException).code ?? e.name;
  return String(e);
}

