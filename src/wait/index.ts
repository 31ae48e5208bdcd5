// Waiting for something to become true: a generic poller with deadlines, progress and
// timeouts that say what they last saw. Acceptors (what "ready" means) live with each service.
export { type Poll, type WaitOptions, type WaitProgress, waitFor } from "./wait-for";
export { formatDuration } from "./duration";
