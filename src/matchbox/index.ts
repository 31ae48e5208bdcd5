// matchbox: its gRPC API (client, protos, error mapping), and its HTTP behaviour as pure
// functions (labels, group selection, /ipxe, /ignition), shared by pxectl and the test server.
// The client itself (grpc-js) loads lazily: through connectMatchbox or openMatchbox.
export type { Group, Labels, MatchboxApi, NetBoot, Profile } from "./types";
export { type MatchboxConnection, type MatchboxOverrides, type MatchboxSettings, MATCHBOX_ENV, connectMatchbox, openMatchbox, parseEndpoint, resolveMatchboxSettings } from "./connect";
export { type ParsedLabels, labelsFromQuery, parseGoMac, parseGoQuery } from "./labels";
export { groupMatches, normalizeSelector, selectGroup, selectorString, sortGroups } from "./select";
export { BOOT_IPXE, renderGrub, renderIpxe } from "./ipxe";
export { type ServedIgnition, COMPATIBLE_SPECS, ZERO_CONFIG, serveIgnition } from "./ignition-v34";
export { goMarshal, goMarshalIndent, goString } from "./go-json";
export { type BootOptions, type Exchange, type MatchboxContent, expandIpxe, simulateBoot, simulateGrub } from "./simulate";
