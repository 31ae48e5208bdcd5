// pxectl watch: dnsmasq's and matchbox's logs (and probes' signals) in, one boot lifecycle per
// node out, as typed events, a live table or JSON lines. Pure: the SSH follower, the cloud
// power poller and the readiness prober plug in through the ports (ports.ts).
export type { LogLine, LogOrigin, LogSource, NodeRegistry, NodeSignal, RegisteredNode, SignalSource } from "./ports";
export { type JournalOptions, journalCursor, journalctlArgs } from "./journal";
export { MAX_LINE_LENGTH, type SplitOptions, logSource, splitLines } from "./lines";
export { type WatchDeps, type WatchInput, type WatchObserver, type WatchOptions, type WatchResult, watch } from "./engine";
export type { DoneEvent, NodeView, NoticeEvent, Outcome, StageEvent, StuckEvent, UnknownMacEvent, WatchEvent } from "./events";
export { STAGES, STAGE_INFO, type Stage } from "./lifecycle";
export { DEFAULT_STUCK_OPTIONS, STUCK_CODES, type Stuck, type StuckCode, type StuckOptions } from "./stuck";
export { Tracker, type TrackerOptions } from "./tracker";
export { nodeLogFilter } from "./node-logs";
export { outcomeError } from "./outcome";
export { jsonEvent, jsonLinesObserver } from "./render/json";
export { LiveTable, type LiveTableOptions, type Screen } from "./render/live";
export { renderWatchTable } from "./render/table";
export { describeEvent } from "./render/text";
