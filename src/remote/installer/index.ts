// Installs matchbox and dnsmasq on the host over a RemoteHost: idempotent steps that check
// before they change, generated files validated before activation, a root prefix for
// tests, and Flatcar asset prefetch. Loads handlebars: import it from lazily loaded code.
export { type Account, findAccount } from "./accounts";
export { bootUrl } from "./configs";
export { type HostFacts, discoverHostFacts } from "./facts";
export { type FlatcarAssets, FLATCAR_FILES, type PrefetchResult, prefetchFlatcar } from "./flatcar";
export { INSTALL_STEPS, type InstallInputs, type InstallOptions, type InstallReport, type InstallStep, type StepReport, type StepRunner, type TlsFiles, installHost } from "./install";
export { PRIVATE_IPV4_RANGES } from "./ipv4";
export { FLATCAR_SIGNING_KEY, KEYSERVER, MATCHBOX_KEY_FINGERPRINT } from "./keys";
export { MATCHBOX_RELEASES, type MatchboxSource, ensureMatchboxBinary, matchboxSource } from "./matchbox-binary";
export { PACKAGES } from "./packages";
export { HOST_PATHS, MATCHBOX_DATA_FOLDERS, UNITS } from "./paths";
export { type GrubNodesResult, ensureSecureBootFiles, syncGrubNodeFiles } from "./secure-boot";
export { type HostSettings, hostSettings } from "./settings";
export { NETPLAN_SWITCH_FILE, NETWORKD_SWITCH_FILE, type SwitchNicMethod, type SwitchNicResult, configureSwitchNic, switchNicFile, switchUla } from "./switch-nic";
export type { SigningKey } from "./signatures";
export type { StepResult } from "./step";
export { type Action, Target } from "./target";
