// Waiting for disks and servers, with the Go clients' power rules, also while the API
// drops connections and answers 503.
import { describe, expect, it } from "vitest";
import { FailedError, TimeoutError } from "../../src/core/errors";
import { bootServer, diskAvailable, stopServer, waitDiskAvailable } from "../../src/sakuracloud";
import { waitFor } from "../../src/wait";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";

const plan = { cpu: 1, memoryMB: 1024 };

describe("waiters", () => {
  it("waits for a disk copy every 5 s, reporting what it sees", async () => {
    const server = await startTestServer({ ticks: { diskCopy: 4 } });
    const api = connectClient(server);
    const disk = await api.disks.create({ name: "d", plan: "ssd", sizeGB: 20 });
    const seen: string[] = [];
    const ready = await waitDiskAvailable(api, disk.id, { clock: api.clock, onProgress: (p) => seen.push(p.seen) });
    expect(ready.availability).toBe("available");
    expect(seen).toEqual(["migrating", "migrating", "migrating"]);
    expect((api.clock as unknown as { sleeps: number[] }).sleeps.filter((ms) => ms === 5000)).toHaveLength(3);
  });

  it("times out saying what it last saw", async () => {
    const server = await startTestServer({ tickMode: "manual" });
    const api = connectClient(server);
    const disk = await api.disks.create({ name: "d", plan: "ssd", sizeGB: 20 });
    const e = await waitDiskAvailable(api, disk.id, { clock: api.clock, timeoutMs: 60_000 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).message).toBe(`timed out after 1m waiting for disk ${disk.id} to be available: last seen "migrating" (13 checks: migrating x13)`);
  });

  it("fails a wait on a disk that became failed", async () => {
    const server = await startTestServer({ tickMode: "manual" });
    const api = connectClient(server);
    const disk = await api.disks.create({ name: "d", plan: "ssd", sizeGB: 20 });
    server.store.get("disk", "is1a", disk.id)!.availability = "failed";
    const e = await waitFor(diskAvailable(api, disk.id), { what: "the disk", minDelayMs: 1, maxDelayMs: 1, timeoutMs: 10, clock: api.clock }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(FailedError);
    expect((e as FailedError).message).toBe(`gave up waiting for the disk: disk ${disk.id} is "failed" (its copy did not finish)`);
  });

  it("sends a swallowed boot again after 20 s, and stops re-sending once a re-send is refused", async () => {
    const server = await startTestServer({ ticks: { powerOn: 12 } });
    const api = connectClient(server);
    const s = await api.servers.create({ name: "s", plan, nics: [] });
    server.script({ fault: "swallow", method: "PUT", path: `server/${s.id}/power` });
    expect((await bootServer(api, s.id, { clock: api.clock })).status).toBe("up");
    const boots = server.requests.filter((r) => r.method === "PUT").map((r) => (r.fault ? `${r.status} (${r.fault})` : r.status));
    // swallowed, then a re-send 20 s later that is taken, then one more 20 s later that is refused: booting already
    expect(boots).toEqual(["200 (swallow)", 200, 409]);
  });

  it("is already done when the server is in the wanted state", async () => {
    const server = await startTestServer({ ticks: { powerOn: 0 } });
    const api = connectClient(server);
    const s = await api.servers.create({ name: "s", plan, nics: [] });
    await bootServer(api, s.id, { clock: api.clock });
    expect((await bootServer(api, s.id, { clock: api.clock })).status).toBe("up");
  });

  it("shuts down through cleaning to down", async () => {
    const server = await startTestServer({ ticks: { powerOn: 1, powerOff: 3 } });
    const api = connectClient(server);
    const s = await api.servers.create({ name: "s", plan, nics: [] });
    await bootServer(api, s.id, { clock: api.clock });
    const seen: string[] = [];
    await stopServer(api, s.id, {}, { clock: api.clock, onProgress: (p) => seen.push(p.seen) });
    expect(seen).toContain("cleaning");
    expect((await api.servers.get(s.id)).status).toBe("down");
  });

  it("creates, boots and stops servers while the API drops connections and answers 503 and 423", async () => {
    const server = await startTestServer({ faults: { busy: 0.2, locked: 0.05, dropBefore: 0.05, dropAfter: 0.05, seed: 42 } });
    const api = connectClient(server);
    for (let i = 0; i < 5; i++) {
      const s = await api.servers.create({ name: `s${i}`, plan, nics: ["shared"] });
      const d = await api.disks.create({ name: `d${i}`, plan: "ssd", sizeGB: 20, serverId: s.id });
      await waitDiskAvailable(api, d.id, { clock: api.clock });
      await bootServer(api, s.id, { clock: api.clock });
      await stopServer(api, s.id, { force: true }, { clock: api.clock });
    }
    expect(server.inventory().filter((r) => r.kind === "server").map((r) => r.name)).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(server.inventory().filter((r) => r.kind === "disk")).toHaveLength(5);
    const faults = new Set(server.requests.map((r) => r.fault).filter(Boolean));
    expect([...faults].sort()).toEqual(["busy", "drop-after", "drop-before", "locked"]);
  });
});
