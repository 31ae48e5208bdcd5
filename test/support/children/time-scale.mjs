// Preloaded into a pxectl process (node --import) to make its time pass
// PXECTL_TEST_TIME_SCALE times faster: Date.now and setTimeout agree, so polling waits,
// backoff and deadlines keep their proportions while a 5 s poll takes 5 s / scale.
// The crash suite uses it to kill real pxectl runs at many points in little time.
const scale = Number(process.env.PXECTL_TEST_TIME_SCALE || "1");
if (scale > 1) {
  const realNow = Date.now;
  const realSetTimeout = globalThis.setTimeout;
  const start = realNow();
  Date.now = () => Math.floor(start + (realNow() - start) * scale);
  globalThis.setTimeout = Object.assign((callback, ms, ...args) => realSetTimeout(callback, Math.max(0, Number(ms) || 0) / scale, ...args), realSetTimeout);
}
