// The test server speaks the API's wire format: checked with plain HTTP, no client code.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- these tests read raw wire JSON of any shape */
import { describe, expect, it } from "vitest";
import { startTestServer } from "../support/sakuracloud/connect";
import type { SakuraTestServer } from "../support/sakuracloud";

async function call(server: SakuraTestServer, method: string, path: string, o: { query?: string; body?: unknown; headers?: Record<string, string>; auth?: string } = {}) {
  const auth = o.auth ?? `${server.credentials.accessToken}:${server.credentials.accessTokenSecret}`;
  const res = await fetch(`${server.rootUrl}/is1a/api/cloud/1.1/${path}${o.query ? `?${o.query}` : ""}`, {
    method,
    headers: { Authorization: `Basic ${Buffer.from(auth).toString("base64")}`, ...o.headers },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}
const q = (find: unknown) => encodeURIComponent(JSON.stringify(find));
const newSwitch = (server: SakuraTestServer, name: string, tags: string[] = []) => call(server, "POST", "switch", { body: { Switch: { Name: name, Tags: tags } } });

describe("the SakuraCloud test server", () => {
  it("wraps one resource in its singular key with is_ok, IDs as 12-digit strings and explicit nulls", async () => {
    const server = await startTestServer();
    const r = await newSwitch(server, "sw");
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ Success: true, is_ok: true, Switch: { Name: "sw", Scope: "user", ServerCount: 0, Icon: null, Internet: null } });
    expect(r.json.Switch.ID).toMatch(/^[0-9]{12}$/);
  });

  it("sends IDs as numbers only when asked with X-Sakura-Bigint-As-Int", async () => {
    const server = await startTestServer();
    const r = await call(server, "GET", "zone/31001", { headers: { "X-Sakura-Bigint-As-Int": "1" } });
    expect(r.json.Zone.ID).toBe(31001);
    expect((await call(server, "GET", "zone/31001")).json.Zone.ID).toBe("31001");
  });

  it("escapes non-ASCII as \\u sequences, as the API does", async () => {
    const server = await startTestServer();
    const r = await call(server, "GET", "zone/31001");
    expect(r.text).toContain("\\u77f3\\u72e9");
    expect(r.json.Zone.Region.Name).toBe("石狩");
  });

  it("answers a Find with From/Count/Total, Index on each item, and a plural key", async () => {
    const server = await startTestServer();
    for (const n of ["a", "b", "c"]) await newSwitch(server, `sw-${n}`);
    const r = await call(server, "GET", "switch", { query: q({ From: 1, Count: 1, Sort: ["-Name"] }) });
    expect(r.json).toMatchObject({ From: 1, Count: 1, Total: 3, Switches: [{ Index: 1, Name: "sw-b" }] });
  });

  it("caps a Find without Count, and Count 0 means all", async () => {
    const server = await startTestServer();
    await Promise.all(Array.from({ length: 55 }, (_, i) => newSwitch(server, `sw-${i}`)));
    expect((await call(server, "GET", "switch")).json).toMatchObject({ Count: 50, Total: 55 });
    expect((await call(server, "GET", "switch", { query: q({ Count: 0, From: 0 }) })).json).toMatchObject({ Count: 55, Total: 55 });
  });

  it("matches name words with %20 as AND partial, arrays as OR exact, Tags.Name arrays of arrays as all", async () => {
    const server = await startTestServer();
    await newSwitch(server, "pxectl demo net", ["pxectl", "pxectl-env=demo"]);
    await newSwitch(server, "pxectl other net", ["pxectl", "pxectl-env=other"]);
    await newSwitch(server, "demo", ["pxectl-env=demo"]);
    const names = async (filter: unknown) => (await call(server, "GET", "switch", { query: q({ Count: 0, From: 0, Filter: filter }) })).json.Switches.map((s: any) => s.Name);
    expect(await names({ Name: "pxectl%20net" })).toEqual(["pxectl demo net", "pxectl other net"]);
    expect(await names({ Name: "DEMO%20pxectl" })).toEqual(["pxectl demo net"]);
    expect(await names({ Name: ["demo"] })).toEqual(["demo"]);
    expect(await names({ "Tags.Name": [["pxectl", "pxectl-env=demo"]] })).toEqual(["pxectl demo net"]);
    expect(await names({ "Tags.Name": ["pxectl-env=other", "pxectl-env=demo"] })).toHaveLength(3);
  });

  it("reads raw JSON queries as the Go clients send them, keeping their literal %20", async () => {
    const server = await startTestServer();
    await newSwitch(server, "pxectl demo");
    const raw = '{"Count":0,"From":0,"Filter":{"Name":"pxectl%20demo"}}';
    expect((await call(server, "GET", "switch", { query: raw })).json.Total).toBe(1);
  });

  it("finds the public archives by Scope and tags, and plans by numbers with booleans as 0/1", async () => {
    const server = await startTestServer();
    const ubuntu = await call(server, "GET", "archive", { query: q({ Count: 0, From: 0, Filter: { Scope: ["shared"], "Tags.Name": [["current-stable", "distro-ubuntu"]] } }) });
    expect(ubuntu.json.Archives.map((a: any) => a.Name)).toEqual(["Ubuntu Server 24.04.2 LTS 64bit"]);
    const plans = await call(server, "GET", "product/server", { query: q({ Count: 0, From: 0, Filter: { CPU: 2, MemoryMB: 4096, ConfidentialVM: 0 }, Sort: ["-Generation"] }) });
    expect(plans.json.ServerPlans.map((p: any) => `${p.Generation}/${p.Commitment}`)).toEqual(["200/standard", "200/dedicatedcpu", "100/standard"]);
  });

  it("answers errors with the API's body: 404 not_found, 401, and 400 for bad JSON", async () => {
    const server = await startTestServer();
    const missing = await call(server, "GET", "server/113699999999");
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ is_fatal: true, status: "404 Not Found", error_code: "not_found" });
    expect(missing.json.serial).toMatch(/^[0-9a-f]{32}$/);
    expect((await call(server, "GET", "server", { auth: "x:y" })).json).toMatchObject({ status: "401 Unauthorized", error_code: "unauthorized" });
    const bad = await call(server, "GET", "server", { query: "%7Bnot json" });
    expect(bad.json).toMatchObject({ status: "400 Bad Request", error_code: "bad_request" });
  });

  it("refuses a disk edit wrapped in an envelope: the real body is flat", async () => {
    const server = await startTestServer({ ticks: { diskCopy: 0 } });
    const disk = await call(server, "POST", "disk", { body: { Disk: { Name: "d", Plan: { ID: 4 }, SizeMB: 20480 } } });
    expect(disk).toMatchObject({ status: 202, json: { Success: "Accepted", Disk: { Availability: "available" } } });
    const wrappedEdit = await call(server, "PUT", `disk/${disk.json.Disk.ID}/config`, { body: { Disk: { HostName: "x" } } });
    expect(wrappedEdit.status).toBe(400);
  });

  it("moves a disk from migrating to available over ticks, MigratedMB growing", async () => {
    const server = await startTestServer({ tickMode: "manual", ticks: { diskCopy: 4 } });
    const id = (await call(server, "POST", "disk", { body: { Disk: { Name: "d", Plan: { ID: "2" }, SizeMB: 40960 } } })).json.Disk.ID;
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = (await call(server, "GET", `disk/${id}`)).json.Disk;
      seen.push(`${d.Availability}:${d.MigratedMB}`);
      server.tick();
    }
    expect(seen).toEqual(["migrating:0", "migrating:10240", "migrating:20480", "migrating:30720"]);
    expect((await call(server, "GET", `disk/${id}`)).json.Disk).toMatchObject({ Availability: "available", MigratedMB: 40960 });
  });

  it("powers on through down to up, and off through cleaning to down", async () => {
    const server = await startTestServer({ tickMode: "manual", ticks: { powerOn: 2, powerOff: 2 } });
    const id = (await call(server, "POST", "server", { body: { Server: { Name: "s", ServerPlan: { CPU: 1, MemoryMB: 1024 }, ConnectedSwitches: [{ Scope: "shared" }] } } })).json.Server.ID;
    const status = async () => (await call(server, "GET", `server/${id}/power`)).json.Instance.Status as string;
    expect((await call(server, "PUT", `server/${id}/power`)).json).toEqual({ Success: true, is_ok: true });
    const seen = [await status()];
    server.tick(2);
    seen.push(await status());
    await call(server, "DELETE", `server/${id}/power`);
    seen.push(await status());
    server.tick(2);
    seen.push(await status());
    expect(seen).toEqual(["down", "up", "cleaning", "down"]);
  });

  it("lists what clients made, and logs every request", async () => {
    const server = await startTestServer();
    await newSwitch(server, "sw");
    expect(server.inventory()).toEqual([{ zone: "is1a", kind: "switch", id: expect.stringMatching(/^[0-9]{12}$/), name: "sw" }]);
    expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["POST switch 201"]);
  });
});
