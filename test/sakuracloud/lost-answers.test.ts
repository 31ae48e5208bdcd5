// A create whose answer is lost is never sent again blindly: the client looks it up by
// name, tags and the request ID in its description, and sends again only if it is not there.
import { describe, expect, it } from "vitest";
import { UncertainRequestError, bootServer } from "../../src/sakuracloud";
import { systemClock } from "../../src/core/clock";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";

const plan = { cpu: 1, memoryMB: 1024 };
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHx2k9Yt4b0Yb4Qq8bV2bQ6cQqz0JYxkz0yGqS0y5r9v pxectl@test";

describe("lost answers", () => {
  it("finds a server whose create was committed but whose answer was dropped, instead of creating it twice", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    server.script({ fault: "drop-after", method: "POST", path: "server" });
    const created = await api.servers.create({ name: "demo-host", plan, nics: ["shared"] });
    expect(server.inventory().filter((r) => r.kind === "server")).toEqual([{ zone: "is1a", kind: "server", id: created.id, name: "demo-host" }]);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["POST server dropped", "GET server 200"]);
    expect(api.log).toContain('create server "demo-host": the answer was lost; looking it up before sending again');
  });

  it("tells its own create from an older resource of the same name", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    const older = await api.servers.create({ name: "demo-host", plan, nics: [] });
    server.script({ fault: "drop-after", method: "POST", path: "server" });
    const created = await api.servers.create({ name: "demo-host", plan, nics: [] });
    expect(created.id).not.toBe(older.id);
    expect(server.inventory().filter((r) => r.kind === "server")).toHaveLength(2);
  });

  it("sends again when the dropped create never arrived", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    server.script({ fault: "drop-before", method: "POST", path: "switch" });
    const sw = await api.switches.create({ name: "net" });
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["POST switch dropped", "GET switch 200", "POST switch 201"]);
    expect(server.inventory()).toEqual([{ zone: "is1a", kind: "switch", id: sw.id, name: "net" }]);
  });

  it("recovers every kind of create: disk, switch, SSH key, packet filter, NIC", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    for (const path of ["disk", "switch", "sshkey", "packetfilter", "interface"]) server.script({ fault: "drop-after", method: "POST", path });
    const s = await api.servers.create({ name: "s", plan, nics: [] });
    const made = [
      (await api.disks.create({ name: "d", plan: "ssd", sizeGB: 20 })).id,
      (await api.switches.create({ name: "sw" })).id,
      (await api.sshKeys.create({ name: "k", publicKey: PUBLIC_KEY })).id,
      (await api.packetFilters.create({ name: "pf", rules: [{ protocol: "ip", action: "deny" }] })).id,
      (await api.interfaces.create(s.id)).id,
    ];
    expect(server.inventory().map((r) => r.id).sort()).toEqual([s.id, ...made].sort());
  });

  it("treats a 404 to a repeated delete, and a 409 to a repeated power-on, as the first one having worked", async () => {
    const server = await startTestServer({ ticks: { powerOn: 2 } });
    const api = connectClient(server);
    const s = await api.servers.create({ name: "s", plan, nics: [] });
    server.script({ fault: "drop-after", method: "PUT", path: `server/${s.id}/power` });
    expect((await bootServer(api, s.id, { clock: api.clock })).status).toBe("up");
    await api.servers.shutdown(s.id, { force: true });
    server.tick(5);
    server.script({ fault: "drop-after", method: "DELETE", path: `server/${s.id}` });
    await api.servers.delete(s.id);
    expect(server.requests.filter((r) => r.path.startsWith("server/") && r.method !== "GET").map((r) => `${r.method} ${r.status}`)).toEqual([
      "PUT dropped", "PUT 409", "DELETE 200", "DELETE dropped", "DELETE 404",
    ]);
    expect(server.inventory()).toEqual([]);
  });

  it("gives up after three lost answers, saying the create may have been applied", async () => {
    const server = await startTestServer();
    const api = connectClient(server);
    server.script({ fault: "drop-before", method: "POST", path: "switch", times: 3 });
    const e = await api.switches.create({ name: "net" }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UncertainRequestError);
    expect((e as UncertainRequestError).message).toMatch(/^create switch "net" in is1a: the connection to 127\.0\.0\.1:\d+ failed before the answer \(ECONNRESET\); it may have been applied$/);
    expect((e as UncertainRequestError).hint).toBe("run the command again: pxectl looks up what it created before creating anything twice");
  });
});

describe("a create that times out", () => {
  it("is looked up after a wait, and found once the API has made it, not sent again", async () => {
    const server = await startTestServer();
    // The API is still working when the client gives up at 100 ms; it commits at 300 ms.
    server.script({ fault: "slow", method: "POST", path: "server", delayMs: 300 });
    const api = connectClient(server, { clock: systemClock, requestTimeoutMs: 100, retry: { backoff: () => 600 } });
    const created = await api.servers.create({ name: "demo-host", plan, nics: [] });
    expect(server.inventory().filter((r) => r.kind === "server")).toEqual([{ zone: "is1a", kind: "server", id: created.id, name: "demo-host" }]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST server", "GET server"]);
    expect(api.log.some((l) => l.startsWith("POST is1a/server ETIMEDOUT"))).toBe(true);
  });
});
