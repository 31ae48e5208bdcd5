// Test helpers: a test server per test and a real client pointed at it, both closed when
// the test ends. Time is a FakeClock unless a test passes a clock, so backoff, rate-limit
// and polling waits cost nothing while the HTTP stays real.
import { onTestFinished } from "vitest";
import type { Clock } from "../../../src/core/clock";
import { type RateLimiter, unlimited } from "../../../src/retry";
import { type HttpSakuraApi, type SakuraClientOptions, createSakuraApi } from "../../../src/sakuracloud";
import { FakeClock } from "../clock";
import { type SakuraTestServer, type SakuraTestServerOptions, startSakuraTestServer } from "./server";

/** startTestServer starts a test server that stops when the test ends. */
export async function startTestServer(o: SakuraTestServerOptions = {}): Promise<SakuraTestServer> {
  const server = await startSakuraTestServer(o);
  onTestFinished(() => server.close());
  return server;
}

export interface TestClientOptions extends Partial<Omit<SakuraClientOptions, "clock" | "limiter">> {
  clock?: Clock;
  limiter?: RateLimiter;
}

/** connectClient builds a real client for server; FakeClock and no rate limit unless given. */
export function connectClient(server: SakuraTestServer, o: TestClientOptions = {}): HttpSakuraApi & { clock: Clock; log: string[] } {
  const clock = o.clock ?? new FakeClock();
  const log: string[] = [];
  const api = createSakuraApi({
    zone: "is1a",
    env: "demo",
    credentials: server.credentials,
    credentialSource: "SAKURA_ACCESS_TOKEN",
    rootUrl: server.rootUrl,
    limiter: unlimited,
    log: (line) => log.push(line),
    ...o,
    clock,
  });
  onTestFinished(() => api.close());
  return Object.assign(api, { clock, log });
}
