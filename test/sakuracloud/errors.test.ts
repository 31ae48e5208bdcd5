// Failures as users meet them: one line naming what failed where, the API's own message,
// a hint, and never a credential.
import { describe, expect, it } from "vitest";
import { CloudApiError } from "../../src/core/errors";
import { Redactor } from "../../src/output/redact";
import { bootServer, isApiError, isNotFound } from "../../src/sakuracloud";
import { connectClient, startTestServer } from "../support/sakuracloud/connect";

const plan = { cpu: 1, memoryMB: 1024 };
const failure = <T>(p: Promise<T>) => p.then(() => expect.unreachable("it should fail"), (e: unknown) => e as CloudApiError);

describe("SakuraCloud errors", () => {
  it("says authentication failed for the zone, names where the key came from, and never shows it", async () => {
    const server = await startTestServer();
    const redactor = new Redactor();
    const api = connectClient(server, { zone: "tk1a", credentials: { accessToken: "wrong-token-1234", accessTokenSecret: "wrong-secret-5678" }, secrets: redactor });
    const e = await failure(api.switches.list());
    expect(e).toBeInstanceOf(CloudApiError);
    expect(e.message).toBe("authentication failed for zone tk1a (SAKURA_ACCESS_TOKEN)");
    expect(e.hint).toBe("check the access token and secret from SAKURA_ACCESS_TOKEN: they may be mistyped, revoked, or not allowed in tk1a");
    expect(e).toMatchObject({ status: 401, apiErrorCode: "unauthorized", exitCode: 4 });
    const everything = [e.message, e.hint, ...api.log].join("\n");
    expect(everything).not.toMatch(/wrong-token|wrong-secret|d3Jvbmc/);
    // the output layer would hide them anyway: the client registered the token, the secret and the Basic header
    expect(redactor.redact(`x wrong-token-1234 wrong-secret-5678 ${Buffer.from("wrong-token-1234:wrong-secret-5678").toString("base64")}`)).toBe("x *** *** ***");
  });

  it("keeps the API's message for a 404 and says how to read it", async () => {
    const api = connectClient(await startTestServer());
    const e = await failure(api.servers.get("113699999999"));
    expect(e.message).toBe("read server 113699999999 in is1a: not found: 対象が見つかりません。対象は利用できない状態か、IDまたはパスに誤りがあります。 (404 not_found)");
    expect(isNotFound(e)).toBe(true);
  });

  it("carries validation messages of 400s", async () => {
    const api = connectClient(await startTestServer());
    const e = await failure(api.disks.create({ name: "d", plan: "ssd", sizeGB: 30 }));
    expect(e.message).toMatch(/^create disk "d" in is1a was rejected: 不正な要求です。SizeMB: .* \(400 bad_request\)$/);
    expect(e.hint).toMatch(/check the values in pxectl.yaml/);
  });

  it("refuses with the real 409s: delete or edit a running server's disk, boot twice, delete a switch in use", async () => {
    const server = await startTestServer({ ticks: { diskCopy: 0, powerOn: 0 } });
    const api = connectClient(server);
    const sw = await api.switches.create({ name: "net" });
    const s = await api.servers.create({ name: "s", plan, nics: [{ switchId: sw.id }] });
    const disk = await api.disks.create({ name: "d", plan: "ssd", sizeGB: 20, serverId: s.id });
    await api.servers.powerOn(s.id);

    const deleteUp = await failure(api.servers.delete(s.id));
    expect(deleteUp.message).toBe(`delete server ${s.id} in is1a was refused: Server does not allow this operation during startup. (409 server_power_must_be_down)`);
    expect(deleteUp.hint).toBe("the server must be stopped first; shut it down and run the command again");
    expect(isApiError(await failure(api.disks.edit(disk.id, { hostName: "x" })), 409, "server_power_must_be_down")).toBe(true);
    expect(isApiError(await failure(api.servers.powerOn(s.id)), 409, "conflict")).toBe(true);
    expect(isApiError(await failure(api.disks.delete(disk.id)), 409, "disconnect_b4_delete")).toBe(true);
    const switchInUse = await failure(api.switches.delete(sw.id));
    expect(switchInUse).toMatchObject({ status: 409, apiErrorCode: "disconnect_b4_delete" });
    expect(switchInUse.hint).toBe("something is still connected to it; disconnect or delete that first");
  });

  it("answers 409 still_creating to a boot while a disk is copied; bootServer sends again until it is taken", async () => {
    const server = await startTestServer({ ticks: { diskCopy: 6, powerOn: 1 } });
    const api = connectClient(server);
    const s = await api.servers.create({ name: "s", plan, nics: ["shared"] });
    await api.disks.create({ name: "d", plan: "ssd", sizeGB: 20, serverId: s.id, sourceArchiveId: (await api.archives.findPublicUbuntu("24.04")).id });
    expect(isApiError(await failure(api.servers.powerOn(s.id)), 409, "still_creating")).toBe(true);
    expect((await bootServer(api, s.id, { clock: api.clock })).status).toBe("up");
    const boots = server.requests.filter((r) => r.method === "PUT" && r.path.endsWith("/power")).map((r) => r.status);
    expect(boots.at(-1)).toBe(200);
    expect(boots.slice(0, -1).every((status) => status === 409)).toBe(true);
  });

  it("retries a 503 storm and a 423 with backoff, then succeeds", async () => {
    const server = await startTestServer();
    server.script({ fault: "busy", times: 4 });
    server.script({ fault: "locked", times: 1 });
    const api = connectClient(server);
    expect((await api.switches.list()).total).toBe(0);
    expect(server.requests.map((r) => r.status)).toEqual([503, 503, 503, 503, 423, 200]);
    expect(api.log.filter((l) => l.startsWith("retrying"))).toHaveLength(5);
  });

  it("gives up on a storm that outlasts every retry, saying so", async () => {
    const server = await startTestServer({ faults: { busy: 1 } });
    const api = connectClient(server, { retry: { maxAttempts: 4 } });
    const e = await failure(api.switches.create({ name: "net" }));
    expect(e.message).toBe('create switch "net" in is1a: the SakuraCloud API stayed busy: サービスが利用できません。サーバが混雑しています。しばらく時間をおいてから再度お試しください。 (503 busy, 4 attempts)');
    expect(e.hint).toMatch(/lower sakuracloud.rate_limit/);
    expect(server.requests).toHaveLength(4);
    expect(server.inventory()).toEqual([]);
  });

  it("retries reads whose connection dropped", async () => {
    const server = await startTestServer();
    server.script({ fault: "drop-before", method: "GET" });
    server.script({ fault: "drop-after", method: "GET" });
    const api = connectClient(server);
    expect((await api.zones.get()).name).toBe("is1a");
    expect(server.requests.map((r) => r.status)).toEqual(["dropped", "dropped", 200]);
  });

  it("says it cannot reach the API when nothing listens, without calling it an authentication problem", async () => {
    const server = await startTestServer();
    await server.close();
    const api = connectClient(server, { retry: { maxAttempts: 2 } });
    const e = await failure(api.switches.list());
    expect(e.message).toMatch(/^cannot reach the SakuraCloud API at 127\.0\.0\.1:\d+ to list switches in is1a \(ECONNREFUSED, 2 attempts\)$/);
    expect(e.hint).toMatch(/SAKURA_API_ROOT_URL/);
  });

  it("says so when the root URL answers something that is not the API", async () => {
    const server = await startTestServer();
    const api = connectClient(server, { rootUrl: server.rootUrl.replace("/cloud/zone", "/elsewhere") });
    const e = await failure(api.switches.list());
    expect(e.message).toBe("list switches in is1a: not found: 対象が見つかりません。対象は利用できない状態か、IDまたはパスに誤りがあります。 (404 not_found)");
  });
});
