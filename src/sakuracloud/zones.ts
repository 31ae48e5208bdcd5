// Zones and the URLs of their APIs. Every zone has its own API; global resources
// (SSH keys, zones) are served through the default zone.
import { UsageError } from "../core/errors";
import { closest } from "../core/text";

/** ZONES lists SakuraCloud's zones; tk1v is the free sandbox. */
export const ZONES = ["is1a", "is1b", "is1c", "tk1a", "tk1b", "tk1v"] as const;
export type Zone = (typeof ZONES)[number];

/** DEFAULT_API_ROOT_URL is the root every zone's API hangs under. */
export const DEFAULT_API_ROOT_URL = "https://secure.sakura.ad.jp/cloud/zone";

/** GLOBAL_ZONE serves global resources (SSHKey, Zone, Region, Note, Icon), as APIDefaultZone does in the Go clients. */
export const GLOBAL_ZONE: Zone = "is1a";

const API_PATH = "api/cloud/1.1";

/** isZone tells whether a string names a zone. */
export function isZone(value: string): value is Zone {
  return (ZONES as readonly string[]).includes(value);
}

/** parseZone checks a user-given zone; source names where it came from, e.g. "SAKURA_ZONE". */
export function parseZone(value: string, source: string): Zone {
  if (isZone(value)) return value;
  const near = closest(value, ZONES);
  throw new UsageError(`${source}: unknown zone "${value}"`, {
    hint: near ? `did you mean ${near}? (zones: ${ZONES.join(", ")})` : `use one of ${ZONES.join(", ")}`,
  });
}

/** normalizeRootUrl trims trailing slashes and checks the scheme; source is named in errors. */
export function normalizeRootUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source}: "${value}" is not a URL`, { hint: `use a URL such as ${DEFAULT_API_ROOT_URL}` });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`${source}: "${value}" is not an http(s) URL`, { hint: `use a URL such as ${DEFAULT_API_ROOT_URL}` });
  }
  return value.replace(/\/+$/, "");
}

/** zoneApiUrl is the base of one zone's API: <root>/<zone>/api/cloud/1.1 */
export function zoneApiUrl(rootUrl: string, zone: Zone): string {
  return `${rootUrl}/${zone}/${API_PATH}`;
}
