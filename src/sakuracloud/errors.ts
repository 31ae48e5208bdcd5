// Failures of SakuraCloud calls: raw HTTP failures are judged here for the retry loop
// (classify) and translated once, at the edge of the client, into CloudApiError with a
// one-line message and a hint (toCloudApiError). Messages never contain credentials.
import { CloudApiError, type PxeErrorOptions } from "../core/errors";
import { type ErrorClass, RetriesExhaustedError } from "../retry";
import { TransportError } from "./transport";
import type { WireErrorBody } from "./wire";

/** ApiFailure is a non-2xx answer, before translation. */
export class ApiFailure extends Error {
  readonly status: number;
  /** The API's error_code (not_found, still_creating, busy, ...), or "" for a body without one. */
  readonly code: string;
  /** The API's error_msg, or a short excerpt of a body that was not the API's error JSON. */
  readonly apiMessage: string;

  constructor(status: number, body: string) {
    const parsed = parseErrorBody(body);
    super(`${status} ${parsed.code}: ${parsed.message}`);
    this.name = "ApiFailure";
    this.status = status;
    this.code = parsed.code;
    this.apiMessage = parsed.message;
  }
}

function parseErrorBody(body: string): { code: string; message: string } {
  try {
    const e = JSON.parse(body) as WireErrorBody;
    if (e && typeof e === "object" && (e.error_code || e.error_msg)) return { code: e.error_code ?? "", message: (e.error_msg ?? "").trim() };
  } catch {
    // not JSON: a proxy or load balancer answered; show a little of it
  }
  const text = body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return { code: "", message: text.length > 80 ? `${text.slice(0, 77)}...` : text };
}

/** UncertainRequestError is a request that may or may not have been applied: its answer was lost. */
export class UncertainRequestError extends CloudApiError {}

/** Throttled statuses: 503 busy (overload) and 423 locked; the Go clients retry exactly these. */
const THROTTLING_STATUSES = new Set([503, 423]);

/**
 * classify judges a failed attempt. Lost connections are transient only when sending again
 * is safe: the request never arrived, or the request is idempotent.
 */
export function classify(error: unknown, idempotent: boolean): ErrorClass {
  if (error instanceof ApiFailure) return THROTTLING_STATUSES.has(error.status) ? "throttling" : "fatal";
  if (error instanceof TransportError) return !error.maybeSent || idempotent ? "transient" : "fatal";
  return "fatal";
}

/** CallContext names a call for messages: what it does, where, and whose credentials it used. */
export interface CallContext {
  /** e.g. 'create server "demo-host"', 'read disk 113301644830'. */
  what: string;
  zone: string;
  /** Where the credentials came from, e.g. "SAKURA_ACCESS_TOKEN" or 'usacloud profile "default"'. */
  credentialSource: string;
  apiHost: string;
}

const CONFLICT_HINTS: Record<string, string> = {
  still_creating: "the resource is still being created; wait a minute and run the command again",
  server_power_must_be_down: "the server must be stopped first; shut it down and run the command again",
  disconnect_b4_delete: "something is still connected to it; disconnect or delete that first",
  conflict: "the resource is in a state that refuses this now; check it in the control panel and run the command again",
};

/** toCloudApiError translates any failure of a call into one CloudApiError (or passes an abort through). */
export function toCloudApiError(error: unknown, c: CallContext): unknown {
  if (error instanceof CloudApiError) return error;
  let attempts = 1;
  let last = error;
  if (error instanceof RetriesExhaustedError) {
    attempts = error.attempts;
    last = error.lastError;
  }
  const tries = attempts > 1 ? `, ${attempts} attempts` : "";
  if (last instanceof TransportError) {
    if (last.maybeSent && !(error instanceof RetriesExhaustedError)) {
      // only a non-idempotent request stops at the first lost answer: it must not be resent blindly
      return new UncertainRequestError(`${c.what} in ${c.zone}: the connection to ${c.apiHost} failed before the answer (${last.code}); it may have been applied`, {
        cause: error,
        hint: "run the command again: pxectl looks up what it created before creating anything twice",
      });
    }
    return new CloudApiError(`cannot reach the SakuraCloud API at ${c.apiHost} to ${c.what} in ${c.zone} (${last.code}${tries})`, {
      cause: error,
      hint: "check the network and SAKURA_API_ROOT_URL, then run the command again",
    });
  }
  if (!(last instanceof ApiFailure)) return error;
  const detail = `${last.apiMessage ? `: ${last.apiMessage}` : ""} (${last.status}${last.code ? ` ${last.code}` : ""}${tries})`;
  const o = (hint: string): PxeErrorOptions & { status: number; apiErrorCode: string } => ({ cause: error, hint, status: last.status, apiErrorCode: last.code });
  switch (last.status) {
    case 401:
      return new CloudApiError(`authentication failed for zone ${c.zone} (${c.credentialSource})`, o(
        `check the access token and secret from ${c.credentialSource}: they may be mistyped, revoked, or not allowed in ${c.zone}`,
      ));
    case 403:
      return new CloudApiError(`${c.what} in ${c.zone}: permission denied${detail}`, o("give the API key the permission to manage resources in this zone (control panel: API keys)"));
    case 404:
      return new CloudApiError(`${c.what} in ${c.zone}: not found${detail}`, o("it may have been deleted, or it lives in another zone; check the ID and the zone"));
    case 409:
      return new CloudApiError(`${c.what} in ${c.zone} was refused${detail}`, o(CONFLICT_HINTS[last.code] ?? CONFLICT_HINTS.conflict!));
    case 423:
    case 503:
      return new CloudApiError(`${c.what} in ${c.zone}: the SakuraCloud API stayed busy${detail}`, o("try again in a few minutes, or lower sakuracloud.rate_limit"));
    case 400:
      return new CloudApiError(`${c.what} in ${c.zone} was rejected${detail}`, o("check the values in pxectl.yaml (plan, size, addresses); if they look right, report this as a pxectl bug"));
    default:
      return new CloudApiError(`${c.what} in ${c.zone} failed${detail}`, o("if a limit or quota is named, raise it in the control panel; otherwise try again later"));
  }
}

/** isApiError tells whether err is a CloudApiError with this HTTP status (and API error code, if given). */
export function isApiError(err: unknown, status: number, code?: string): err is CloudApiError {
  return err instanceof CloudApiError && err.status === status && (code === undefined || err.apiErrorCode === code);
}

/** isNotFound tells whether err says the resource does not exist. */
export function isNotFound(err: unknown): err is CloudApiError {
  return isApiError(err, 404);
}
