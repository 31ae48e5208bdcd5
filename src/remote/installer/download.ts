// Downloads made by the host itself (curl), so release files never pass through the
// operator's machine. Several files go in one command (one round trip); a missing file
// (404) is an answer, anything else an error.
import { RemoteError } from "../../core/errors";
import { quote } from "../shell";
import type { Target } from "./target";

const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

/** Fetch is one URL and the host path it is saved to. */
export interface Fetch {
  url: string;
  path: string;
}

/** downloadAll fetches every URL; each answer says whether it was there (true) or 404 (false). */
export async function downloadAll(target: Target, fetches: readonly Fetch[]): Promise<boolean[]> {
  // curl's exit code is printed in place of the status when it could not get an answer at all
  const script = fetches.map((f) => `curl -sSL --retry 3 --connect-timeout 20 -o ${quote(f.path)} -w '%{http_code}\\n' -- ${quote(f.url)} || echo "curl-$?"`);
  const { stdout } = await target.run(script.join("\n"), {
    label: fetches.length === 1 ? `download ${fetches[0]!.url}` : `download ${fetches.length} files`,
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
  });
  const statuses = stdout.trim().split("\n");
  return fetches.map((f, i) => {
    const status = statuses[i] ?? "nothing";
    if (status === "200") return true;
    if (status === "404") return false;
    const why = status.startsWith("curl-") ? `curl exit code ${status.slice(5)} (the run log has curl's message)` : `HTTP ${status}`;
    throw new RemoteError(`downloading ${f.url} on ${target.host.label} failed: ${why}`, { hint: "check that the host can reach the URL, then run the command again" });
  });
}

/** download fetches one URL; false when the server says 404. */
export async function download(target: Target, url: string, path: string): Promise<boolean> {
  return (await downloadAll(target, [{ url, path }]))[0]!;
}

/** mustDownload fetches URLs that must exist. */
export async function mustDownload(target: Target, ...fetches: Fetch[]): Promise<void> {
  const found = await downloadAll(target, fetches);
  const missing = fetches.find((_, i) => !found[i]);
  if (missing) throw new RemoteError(`${missing.url} does not exist (HTTP 404)`, { hint: "check the version or channel in pxectl.yaml" });
}

/** tempFolder makes a private folder under the target's /var/tmp and returns its host path. */
export async function tempFolder(target: Target, name: string): Promise<string> {
  const base = target.path("/var/tmp");
  return (await target.run(`mkdir -p ${quote(base)} && mktemp -d ${quote(`${base}/pxectl-${name}.XXXXXX`)}`, { label: "mktemp" })).stdout.trim();
}

/** removeFolder deletes a temp folder, quietly. */
export async function removeFolder(target: Target, path: string): Promise<void> {
  await target.run(`rm -rf -- ${quote(path)}`, { label: `remove ${path}` }).catch(() => undefined);
}
