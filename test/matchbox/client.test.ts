// pxectl's gRPC client against the matchbox test server over mutual TLS: every RPC, and
// every failure mapped to one clear error.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { CertificateError, MatchboxError, NotFoundError, TimeoutError } from "../../src/core/errors";
import { openMatchbox } from "../../src/matchbox/connect";
import { methodOf } from "../../src/matchbox/proto";
import type { Group, Profile } from "../../src/matchbox/types";
import { startTestMatchbox } from "../support/matchbox-harness";
import { testPki } from "../support/tls";

const profile: Profile = {
  id: "flatcar",
  name: "Flatcar",
  ignition_id: "flatcar.ign",
  cloud_id: "",
  generic_id: "flatcar.env",
  boot: { kernel: "/assets/k", initrd: ["/assets/i"], args: ["a=b", "c"] },
};
/** fails checks the error's class and message (hints are checked where they matter). */
async function fails(p: Promise<unknown>, type: new (...args: never[]) => Error, message: string | RegExp): Promise<Error> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(type);
  expect((e as Error).message).toMatch(typeof message === "string" ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : message);
  return e as Error;
}

const group: Group = { id: "node1", name: "node one", profile: "flatcar", selector: { mac: "52:54:00:a1:9c:ae", os: "installed" }, metadata: { role: "worker", disks: ["/dev/vda"], n: 2 } };

describe("the gRPC client against the matchbox test server", () => {
  it("puts, gets, lists and deletes profiles, groups, Ignition and generic configs", async () => {
    const mb = await startTestMatchbox();
    const api = await mb.api();
    expect(await api.profileList()).toEqual([]); // a fresh matchbox has no profiles/ folder yet
    expect(await api.groupList()).toEqual([]);
    await api.profilePut(profile);
    await api.groupPut(group);
    await api.groupPut({ id: "default", name: "", profile: "flatcar", selector: {}, metadata: {} });
    await api.ignitionPut("flatcar.ign", Buffer.from('{"ignition":{"version":"3.4.0"}}'));
    await api.genericPut("flatcar.env", Buffer.from("ROLE={{.role}}\n"));
    expect(await api.profileGet("flatcar")).toEqual(profile);
    expect(await api.profileList()).toEqual([profile]);
    expect(await api.groupGet("node1")).toEqual(group);
    expect((await api.groupList()).map((g) => g.id)).toEqual(["default", "node1"]);
    expect(Buffer.from(await api.ignitionGet("flatcar.ign")).toString()).toBe('{"ignition":{"version":"3.4.0"}}');
    expect(Buffer.from(await api.genericGet("flatcar.env")).toString()).toBe("ROLE={{.role}}\n");
    expect((await api.selectGroup({ mac: "52:54:00:a1:9c:ae", os: "installed" })).id).toBe("node1");
    expect((await api.selectGroup({ mac: "52:54:00:a1:9c:ae" })).id).toBe("default");
    expect(await api.selectProfile({ os: "installed" })).toEqual(profile);
    await api.groupDelete("node1");
    await api.profileDelete("flatcar");
    await api.ignitionDelete("flatcar.ign");
    await api.genericDelete("flatcar.env");
    expect((await api.groupList()).map((g) => g.id)).toEqual(["default"]);
    expect(await api.profileList()).toEqual([]);
  });

  it("writes matchbox's file formats: tab-indented, snake_case, metadata as an object", async () => {
    const mb = await startTestMatchbox();
    const api = await mb.api();
    await api.profilePut(profile);
    await api.groupPut({ ...group, selector: { mac: "52-54-00-A1-9C-AE" } });
    expect(readFileSync(join(mb.dataPath, "profiles/flatcar.json"), "utf8")).toBe(
      '{\n\t"id": "flatcar",\n\t"name": "Flatcar",\n\t"ignition_id": "flatcar.ign",\n\t"boot": {\n\t\t"kernel": "/assets/k",\n\t\t"initrd": [\n\t\t\t"/assets/i"\n\t\t],\n\t\t"args": [\n\t\t\t"a=b",\n\t\t\t"c"\n\t\t]\n\t},\n\t"generic_id": "flatcar.env"\n}',
    );
    // stored as sent; normalised when read back, as matchbox does
    expect(readFileSync(join(mb.dataPath, "groups/node1.json"), "utf8")).toBe(
      '{\n\t"id": "node1",\n\t"name": "node one",\n\t"profile": "flatcar",\n\t"selector": {\n\t\t"mac": "52-54-00-A1-9C-AE"\n\t},\n\t"metadata": {\n\t\t"disks": [\n\t\t\t"/dev/vda"\n\t\t],\n\t\t"n": 2,\n\t\t"role": "worker"\n\t}\n}',
    );
    expect((await api.groupGet("node1")).selector).toEqual({ mac: "52:54:00:a1:9c:ae" });
  });

  it("maps matchbox's answers to clear errors", async () => {
    const mb = await startTestMatchbox();
    const api = await mb.api();
    await api.profilePut(profile);
    const at = `on matchbox at ${mb.endpoint}`;
    await fails(api.groupGet("nope"), NotFoundError, `group "nope" does not exist ${at}`);
    await expect(api.profileDelete("nope")).rejects.toThrow(`profile "nope" does not exist ${at}`);
    await expect(api.ignitionGet("x.ign")).rejects.toBeInstanceOf(NotFoundError);
    await expect(api.genericDelete("x")).rejects.toThrow(`generic config "x" does not exist ${at}`);
    await fails(api.groupPut({ ...group, id: "" }), MatchboxError, `matchbox at ${mb.endpoint} refused GroupPut: Id is required`);
    await expect(api.groupPut({ ...group, profile: "" })).rejects.toThrow("refused GroupPut: Group requires a Profile");
    await fails(api.selectGroup({ os: "x" }), NotFoundError, `no group on matchbox at ${mb.endpoint} matches os=x`);
    await api.groupPut({ ...group, profile: "missing" });
    await expect(api.selectProfile({ mac: "52:54:00:a1:9c:ae", os: "installed" })).rejects.toThrow(`has a group for mac=52:54:00:a1:9c:ae, os=installed, but not the profile it names`);
  });

  it("refuses an expired or foreign client certificate before dialling", async () => {
    const mb = await startTestMatchbox();
    const foreign = await testPki("foreign");
    const files = { endpoint: mb.endpoint, caFile: mb.pki.ca.cert, certFile: foreign.client.cert, keyFile: foreign.client.key };
    await fails(openMatchbox(files, { display: (p) => p.replace(/.*\//, "") }), CertificateError, "client.crt was not issued by this project's CA");
    const expired = { ...files, certFile: mb.pki.client.cert, keyFile: mb.pki.client.key };
    const e = await fails(openMatchbox(expired, { now: new Date(Date.now() + 400 * 86_400_000), display: (p) => p.replace(/.*\//, "") }), CertificateError, /^client\.crt expired on \d{4}-\d\d-\d\d$/);
    expect(e).toMatchObject({ hint: "re-issue it: pxectl cert rotate --client" });
  });

  it("says so when the server's certificate is from another CA or does not cover the address", async () => {
    const other = await startTestMatchbox({ pki: await testPki("foreign") });
    const mine = await testPki();
    const api = await openMatchbox({ endpoint: other.endpoint, caFile: mine.ca.cert, certFile: mine.client.cert, keyFile: mine.client.key });
    await fails(api.profileList(), CertificateError, `matchbox at ${other.endpoint}: its server certificate was not issued by this project's CA (self-signed certificate in certificate chain)`);
    api.close();
    const elsewhere = await testPki("elsewhere", ["10.9.9.9"]);
    const wrongName = await startTestMatchbox({ pki: elsewhere });
    const api2 = await openMatchbox({ endpoint: wrongName.endpoint, caFile: elsewhere.ca.cert, certFile: elsewhere.client.cert, keyFile: elsewhere.client.key });
    await expect(api2.profileList()).rejects.toThrow(`matchbox at ${wrongName.endpoint}: its server certificate does not cover this address (it covers 10.9.9.9)`);
    api2.close();
  });

  it("says it cannot reach matchbox when nothing listens, or the port is not TLS", async () => {
    const mb = await startTestMatchbox();
    const files = { caFile: mb.pki.ca.cert, certFile: mb.pki.client.cert, keyFile: mb.pki.client.key };
    await mb.stop();
    const refused = await openMatchbox({ ...files, endpoint: mb.endpoint });
    const e = await refused.groupList().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MatchboxError);
    expect(e).toMatchObject({ message: `cannot reach matchbox at ${mb.endpoint}: connection refused`, hint: expect.stringContaining("pxectl status") });
    refused.close();
    const web = await startTestMatchbox();
    const http = await openMatchbox({ ...files, endpoint: web.server.httpAddress });
    await expect(http.groupList()).rejects.toThrow(`${web.server.httpAddress} does not speak TLS: is it matchbox's HTTP port instead of its gRPC port?`);
    http.close();
  });

  it("gives up after its deadline", async () => {
    const mb = await startTestMatchbox({ rpcHook: () => new Promise((resolve) => setTimeout(resolve, 1000)) });
    const api = await openMatchbox({ endpoint: mb.endpoint, caFile: mb.pki.ca.cert, certFile: mb.pki.client.cert, keyFile: mb.pki.client.key }, { deadlineMs: 200 });
    await fails(api.groupList(), TimeoutError, `matchbox at ${mb.endpoint} did not answer GroupList within 0 s`);
    api.close();
  });
});

describe("the test server's gRPC API", () => {
  // "localhost:port": the test certificate covers it, and Node warns about IP addresses as TLS server names
  const local = (endpoint: string) => endpoint.replace("127.0.0.1", "localhost");

  function rawCall(endpoint: string, creds: grpc.ChannelCredentials): Promise<grpc.ServiceError | null> {
    const m = methodOf("Groups", "GroupList");
    const client = new grpc.Client(local(endpoint), creds);
    return new Promise<grpc.ServiceError | null>((resolve) => {
      client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, {}, { deadline: Date.now() + 5000 }, (e) => resolve(e));
    }).finally(() => client.close());
  }

  it("requires a client certificate from its CA, as matchbox does", async () => {
    const mb = await startTestMatchbox();
    const foreign = await testPki("foreign");
    const ca = readFileSync(mb.pki.ca.cert);
    // a fresh data directory has no groups/: past TLS, GroupList fails as matchbox's does
    expect(await rawCall(mb.endpoint, grpc.credentials.createSsl(ca, readFileSync(mb.pki.client.key), readFileSync(mb.pki.client.cert)))).toMatchObject({ code: grpc.status.UNKNOWN });
    expect(await rawCall(mb.endpoint, grpc.credentials.createSsl(ca))).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(await rawCall(mb.endpoint, grpc.credentials.createSsl(ca, readFileSync(foreign.client.key), readFileSync(foreign.client.cert)))).toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(await rawCall(mb.endpoint, grpc.credentials.createInsecure())).toMatchObject({ code: grpc.status.UNAVAILABLE });
  });

  it("answers a missing object as Unknown with Go's file error, and no match as NOT_FOUND", async () => {
    const mb = await startTestMatchbox();
    const creds = grpc.credentials.createSsl(readFileSync(mb.pki.ca.cert), readFileSync(mb.pki.client.key), readFileSync(mb.pki.client.cert));
    const client = new grpc.Client(mb.endpoint.replace("127.0.0.1", "localhost"), creds);
    const call = (service: "Groups" | "Select", method: string, request: object) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        const m = methodOf(service, method);
        client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, request, (e) => resolve(e));
      });
    expect(await call("Groups", "GroupGet", { id: "x" })).toMatchObject({ code: grpc.status.UNKNOWN, details: `open ${join(mb.dataPath, "groups/x.json")}: no such file or directory` });
    expect(await call("Groups", "GroupList", {})).toMatchObject({ code: grpc.status.UNKNOWN, details: `open ${join(mb.dataPath, "groups")}: no such file or directory` });
    expect(await call("Select", "SelectGroup", { labels: {} })).toMatchObject({ code: grpc.status.UNKNOWN });
    mkdirSync(join(mb.dataPath, "groups"));
    expect(await call("Select", "SelectGroup", { labels: {} })).toMatchObject({ code: grpc.status.NOT_FOUND, details: "matchbox: No matching Group" });
    client.close();
  });
});
