// A faithful SakuraCloud IaaS API for tests and for trying pxectl by hand: real paths,
// envelopes, search conditions, error bodies and 409 rules, async states, fault injection.
export {
  DEFAULT_TEST_CREDENTIALS, type InventoryItem, type RequestLogEntry, type SakuraTestServer, type SakuraTestServerOptions, type TestCredentials, startSakuraTestServer,
} from "./server";
export type { Answer, AnswerOverride } from "./answers";
export { type FaultKind, type FaultOptions, type ScriptedFault, parseFaults } from "./faults";
export type { TickMode } from "./timeline";
