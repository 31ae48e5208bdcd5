// The SakuraCloud client: the SakuraApi port and its HTTP implementation (zones, auth,
// credentials, rate limit, retries, lost-answer recovery, tagging), waiters and power.
export type * from "./types";
export { type HttpSakuraApi, type SakuraClientOptions, createSakuraApi } from "./client";
export { type CredentialFlags, type ProjectCloudSettings, type ResolvedCredentials, type ResolveOptions, resolveCredentials } from "./credentials";
export { ApiFailure, UncertainRequestError, isApiError, isNotFound } from "./errors";
export { hostFilterRules, MAX_PACKET_FILTER_RULES } from "./firewall";
export { DEFAULT_HOST_ARCHIVE, HOST_ARCHIVES, type HostArchive, hostArchive } from "./host-archives";
export { type Credentials, type SecretSink } from "./http";
export { type PowerTiming, bootServer, stopServer } from "./power";
export { BOOT_NETWORK_TAG, PXECTL_TAG, envTag, isManagedBy, managedTags } from "./tags";
export { type HttpRequest, type HttpResponse, type HttpTransport, TransportError, nodeHttpTransport } from "./transport";
export { type WaitTiming, diskAvailable, serverIs, waitDiskAvailable } from "./waiters";
export { DEFAULT_API_ROOT_URL, GLOBAL_ZONE, ZONES, type Zone, isZone, parseZone } from "./zones";
