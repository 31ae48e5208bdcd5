// Downloads made by the host itself (curl), so release files never pass through the
// operator's machine. A missing file (404) is an answer; anything else is an error.
import { RemoteError } from "../../core/errors";
import { quote } from "../shell";
import type { Target } from "./target";

const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

/** download fetches url into path (a host path); false when the server says 404. */
export async function download(target: Target, url: string, path: string): Promise<boolean> {
  const result = await target.run(`curl -sSL --retry 3 --connect-timeout 20 -o ${quote(path)} -w '%{http_code}' -- ${quote(url)}`, {
    label: `download ${url}`,
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
    okExitCodes: [0],
  });
  const status = result.stdout.trim();
  if (status === "200") return true;
  if (status === "404") return false;
  throw new RemoteError(`downloading ${url} on ${target.host.label} failed: HTTP ${status}`, { hint: "check that the host can reach the URL, then run the command again" });
}

/** mustDownload fetches url into path and fails when it does not exist. */
export async function mustDownload(target: Target, url: string, path: string): Promise<void> {
  if (!(await download(target, url, path))) {
    throw new RemoteError(`${url} does not exist (HTTP 404)`, { hint: "check the version or channel in pxectl.yaml" });
  }
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
