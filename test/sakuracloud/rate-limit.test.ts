// The client's rate limit holds on the wire: the test server's own arrival times, with
// real time, show requests no closer than the limit allows, retries included.
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";
import { TokenBucket } from "../../src/retry";
import { FakeClock } from "../support/clock";

describe("the client rate limit", () => {
  it("spaces concurrent calls, and their retries, at the configured rate", async () => {
    const server = await startTestServer();
    server.script({ fault: "busy", times: 3 });
    const ratePerSecond = 20;
    const api = connectClient(server, { clock: systemClock, limiter: new TokenBucket({ ratePerSecond, clock: systemClock }), retry: { backoff: () => 0 } });
    await Promise.all(Array.from({ length: 12 }, (_, i) => api.switches.create({ name: `sw-${i}` })));
    const arrivals = server.requests.map((r) => r.at);
    expect(arrivals).toHaveLength(15);
    // Request i leaves no earlier than i intervals after the first. Half an interval of slack
    // absorbs loopback latency (new connections, a busy machine); no limit, or twice the
    // rate, would still fail from the third request on.
    const interval = 1000 / ratePerSecond;
    arrivals.forEach((at, i) => expect(at - arrivals[0]!).toBeGreaterThanOrEqual(i * interval - interval / 2));
  });

  it("defaults to 5 requests per second", async () => {
    const clock = new FakeClock();
    const api = connectClient(await startTestServer(), { clock, limiter: undefined });
    await Promise.all(Array.from({ length: 6 }, () => api.switches.list()));
    expect(clock.sleeps).toEqual([200, 200, 200, 200, 200]);
  });
});
