// Is matchbox answering? Its HTTP API is asked from the host (it listens on the switch,
// which the operator cannot reach), its gRPC API from the operator's side with the client
// certificate, as every later command will. Shared by init's verify step and pxectl status.
import { RemoteError } from "../core/errors";
import type { ClientTlsFiles } from "../pki";
import type { RemoteHost } from "../remote";

/** HttpProbe says what the host saw at matchbox's HTTP address. */
export type HttpProbe = { answered: true } | { answered: false; reason: string };

// curl's exit codes that describe the server rather than curl itself
const CURL_FAILURES: Record<number, string> = { 7: "nothing listens there", 22: "it answered with an HTTP error", 28: "it did not answer in time", 52: "it closed the connection without answering", 56: "the connection broke" };

/** probeMatchboxHttp GETs url/ from the host; matchbox's root answers "matchbox". */
export async function probeMatchboxHttp(host: RemoteHost, url: string): Promise<HttpProbe> {
  const codes = [0, ...Object.keys(CURL_FAILURES).map(Number)];
  const r = await host.exec(`curl -fsS --max-time 10 ${url}/`, { label: `GET ${url}/ on the host`, idempotent: true, okExitCodes: codes });
  if (r.exitCode !== 0) return { answered: false, reason: CURL_FAILURES[r.exitCode]! };
  if (r.stdout.trim() !== "matchbox") {
    throw new RemoteError(`${url}/ answered, but not as matchbox does ("${r.stdout.trim().slice(0, 40)}")`, {
      hint: `another service holds matchbox's HTTP port on the host: free it or change matchbox.http_port, then run pxectl init`,
    });
  }
  return { answered: true };
}

/** httpSilence is the failure for an HTTP probe matchbox did not answer. */
export function httpSilence(url: string, reason: string): RemoteError {
  return new RemoteError(`matchbox's HTTP API at ${url} does not answer from the host: ${reason}`, {
    hint: "see journalctl -u matchbox.service on the host; pxectl init restarts it",
  });
}

/** probeMatchboxGrpc makes one mutual-TLS call (GroupList) and returns how many groups matchbox has. */
export async function probeMatchboxGrpc(files: ClientTlsFiles & { endpoint: string }, o: { now: Date; signal?: AbortSignal; display?: (p: string) => string }): Promise<number> {
  const { openMatchbox } = await import("../matchbox/connect");
  const api = await openMatchbox(files, { ...o, deadlineMs: 10_000 });
  try {
    return (await api.groupList()).length;
  } finally {
    api.close();
  }
}
