// gRPC failures -> pxectl errors, once, at the transport boundary: commands and the apply
// engine only ever see NotFoundError, MatchboxError, CertificateError, TimeoutError.
// matchbox answers a missing object with Unknown and Go's file error ("open .../groups/x.json:
// no such file or directory"), and only Select* with NOT_FOUND; TLS problems arrive as
// UNAVAILABLE whose details carry OpenSSL's or Node's reason.
import { status } from "@grpc/grpc-js";
import { CertificateError, MatchboxError, NotFoundError, type PxeError, TimeoutError } from "../core/errors";
import type { Labels } from "./types";

/** ObjectKind names what a call is about, for messages. */
export type ObjectKind = "group" | "profile" | "Ignition config" | "generic config";

/** CallSite is what the failed call was: the endpoint, the RPC and its subject. */
export interface CallSite {
  endpoint: string;
  /** The RPC, e.g. "GroupGet". */
  method: string;
  object?: { kind: ObjectKind; id: string };
  labels?: Labels;
  deadlineMs?: number;
}

/** GrpcFailure is the part of grpc-js's ServiceError the mapping reads. */
export interface GrpcFailure {
  code?: number;
  details?: string;
  message: string;
}

const MISSING_FILE = /^(?:open|remove|read) (.+): no such file or directory$/;

/** UNREACHABLE_HINT says where the endpoint comes from and what usually blocks it. */
export const UNREACHABLE_HINT =
  "check the endpoint (--endpoint, PXECTL_MATCHBOX_ENDPOINT, or the one pxectl init recorded: pxectl status), that matchbox runs with -rpc-address on that port, and that the packet filter lets this machine in";

const ERRNO_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  ENOTFOUND: "unknown host name",
  EAI_AGAIN: "host name lookup failed",
};

/** shortReason pulls the cause out of grpc-js's "No connection established. Last error: ..." and OpenSSL's error strings. */
export function shortReason(details: string): string {
  let reason = /Last error: ([\s\S]*?)(?: \(\d{4}-\d\d-\d\dT[^)]*\))?\.? Resolution note:/.exec(details)?.[1] ?? details;
  reason = reason.replace(/^Error(?: \[[A-Z_]+\])?: /, "");
  // "80FC...:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/...:1601:SSL alert number 116"
  const openssl = /:SSL routines:[^:]*:([^:]+):/.exec(reason);
  if (openssl) reason = openssl[1]!;
  const errno = /^(?:connect|getaddrinfo) ([A-Z]+)\b/.exec(reason)?.[1];
  return ERRNO_REASONS[errno ?? ""] ?? reason.trim().replace(/\.$/, "");
}

function describeLabels(labels: Labels | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? "no labels" : pairs.join(", ");
}

function noMatchingGroup(site: CallSite, cause: { cause: unknown }): NotFoundError {
  return new NotFoundError(`no group on matchbox at ${site.endpoint} matches ${describeLabels(site.labels)}`, {
    ...cause,
    hint: "a group matches when all its selector pairs equal the machine's labels; a group without a selector is the default",
  });
}

function fromTls(reason: string, site: CallSite): PxeError | undefined {
  const at = `matchbox at ${site.endpoint}`;
  if (/altname|Hostname\/IP does not match/i.test(reason)) {
    const covers = /list: (.*)$/.exec(reason)?.[1];
    return new CertificateError(`${at}: its server certificate does not cover this address${covers ? ` (it covers ${covers})` : ""}`, {
      hint: "dial an address the certificate names, or add this one to tls.extra_sans in pxectl.yaml, then pxectl cert rotate --server and re-deploy it (pxectl init)",
    });
  }
  if (/self[- ]signed|unable to (?:verify|get local issuer)|unknown ca|certificate signature failure/i.test(reason)) {
    return new CertificateError(`${at}: its server certificate was not issued by this project's CA (${reason})`, {
      hint: "the host has another CA's certificate: re-deploy this project's (pxectl init), or pass --ca-file with the CA that issued it",
    });
  }
  if (/certificate (?:has )?expired/i.test(reason)) {
    return new CertificateError(`${at}: its server certificate has expired`, { hint: "pxectl cert rotate --server, then re-deploy it (pxectl init)" });
  }
  if (/certificate required|bad certificate|certificate unknown|handshake failure/i.test(reason)) {
    return new CertificateError(`${at} refused pxectl's client certificate (${reason})`, {
      hint: "matchbox trusts another CA (its -ca-file): re-deploy this project's ca.crt (pxectl init), or pass --cert-file/--key-file issued by the CA it trusts",
    });
  }
  if (/wrong version number|packet length too long|http_request/i.test(reason)) {
    return new MatchboxError(`${site.endpoint} does not speak TLS: is it matchbox's HTTP port instead of its gRPC port?`, { hint: UNREACHABLE_HINT });
  }
  return undefined;
}

/** fromGrpc maps a failed call to the error commands report. */
export function fromGrpc(err: GrpcFailure, site: CallSite): PxeError {
  const details = err.details ?? err.message;
  const cause = { cause: err };
  switch (err.code) {
    case status.UNKNOWN: {
      if (MISSING_FILE.test(details) && site.object) {
        const { kind, id } = site.object;
        return new NotFoundError(`${kind} "${id}" does not exist on matchbox at ${site.endpoint}`, { ...cause, hint: `pxectl ${kind === "group" ? "group" : "profile"} list shows what matchbox holds` });
      }
      // a matchbox that never had a group has no groups/ folder: Select* fail on it
      if (MISSING_FILE.test(details) && site.labels) return noMatchingGroup(site, cause);
      if (MISSING_FILE.test(details)) return new NotFoundError(`matchbox at ${site.endpoint}: ${details}`, cause);
      return new MatchboxError(`matchbox at ${site.endpoint} refused ${site.method}: ${details}`, { ...cause, hint: "this is matchbox's own message; pxectl profile plan shows what would be sent" });
    }
    case status.NOT_FOUND:
      if (/No matching Profile/.test(details)) {
        return new NotFoundError(`matchbox at ${site.endpoint} has a group for ${describeLabels(site.labels)}, but not the profile it names`, { ...cause, hint: "pxectl group list shows each group's profile; pxectl profile list the profiles" });
      }
      return noMatchingGroup(site, cause);
    case status.DEADLINE_EXCEEDED:
      return new TimeoutError(`matchbox at ${site.endpoint} did not answer ${site.method} within ${Math.round((site.deadlineMs ?? 0) / 1000)} s`, { ...cause, hint: UNREACHABLE_HINT });
    case status.CANCELLED:
      // pxectl cancels calls only on Ctrl-C (the client maps that itself): this one was dropped by the server
      return new MatchboxError(`matchbox at ${site.endpoint} closed the connection during ${site.method} (${details})`, {
        ...cause,
        hint: "matchbox stopped or restarted: once it answers again (pxectl status), run the same command again; what was written is recorded",
      });
    case status.UNIMPLEMENTED:
      return new MatchboxError(`${site.endpoint} does not serve matchbox's gRPC API (${site.method} is not implemented there)`, { ...cause, hint: UNREACHABLE_HINT });
    case status.RESOURCE_EXHAUSTED:
      return new MatchboxError(`matchbox at ${site.endpoint} refused ${site.method}: ${details}`, { ...cause, hint: "matchbox accepts messages up to 4 MiB: keep Ignition configs smaller (fetch big files from /assets instead)" });
    case status.UNAVAILABLE: {
      const reason = shortReason(details);
      return fromTls(reason, site) ?? new MatchboxError(`cannot reach matchbox at ${site.endpoint}: ${reason}`, { ...cause, hint: UNREACHABLE_HINT });
    }
    default:
      return new MatchboxError(`matchbox at ${site.endpoint} failed ${site.method}: ${details}`, { ...cause, hint: UNREACHABLE_HINT });
  }
}
