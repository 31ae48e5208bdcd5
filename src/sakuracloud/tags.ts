// How pxectl marks what it owns. Servers, disks and switches carry the tags `pxectl` and
// `pxectl-env=<env>`; SSH keys and packet filters have no tags, so their description
// carries the same marker. Each create also writes a request ID into the description,
// which identifies it exactly if the answer to the create is lost.
import { UsageError } from "../core/errors";

/** PXECTL_TAG marks every resource pxectl made. */
export const PXECTL_TAG = "pxectl";
/** BOOT_NETWORK_TAG makes a server try PXE before its disks (a SakuraCloud special tag). */
export const BOOT_NETWORK_TAG = "@boot-network";

const ENV_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/** checkEnvName validates an environment name as the project schema does. */
export function checkEnvName(env: string): string {
  if (!ENV_NAME.test(env)) {
    throw new UsageError(`"${env}" is not a valid environment name`, { hint: "use 2 to 32 lower-case letters, digits and hyphens, starting with a letter" });
  }
  return env;
}

/** envTag is the tag that names an environment: pxectl-env=<env>. */
export function envTag(env: string): string {
  return `pxectl-env=${env}`;
}

/** managedTags is pxectl's tags plus extra ones, sorted and without duplicates, as the Go clients send them. */
export function managedTags(env: string, extra: readonly string[] = []): string[] {
  return [...new Set([PXECTL_TAG, envTag(env), ...extra])].sort();
}

/** managedDescription appends the ownership marker and request ID to a description. */
export function managedDescription(description: string | undefined, env: string, requestId: string): string {
  const marker = `[${envTag(env)} request=${requestId}]`;
  return description ? `${description} ${marker}` : `managed by pxectl ${marker}`;
}

/** isManagedBy tells whether a description carries env's marker. */
export function isManagedBy(description: string, env: string): boolean {
  return description.includes(`[${envTag(env)} request=`);
}

/** hasRequestId tells whether a description was written by the create with this request ID. */
export function hasRequestId(description: string, requestId: string): boolean {
  return description.includes(` request=${requestId}]`);
}
