// The one mapping from gRPC failures to pxectl's errors (STYLE 2.2), as a table; the
// details strings are what grpc-js and matchbox really produce.
import { status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { CertificateError, MatchboxError, NotFoundError, TimeoutError } from "../../src/core/errors";
import { type CallSite, fromGrpc, shortReason } from "../../src/matchbox/errors";

const site: CallSite = { endpoint: "192.168.0.1:8081", method: "GroupGet", object: { kind: "group", id: "node1" }, deadlineMs: 15_000 };
const unavailable = (last: string) => `No connection established. Last error: ${last}. Resolution note: `;

describe("fromGrpc", () => {
  it.each([
    ["a missing object (Unknown + Go's file error)", status.UNKNOWN, "open /var/lib/matchbox/groups/node1.json: no such file or directory", site, NotFoundError, 'group "node1" does not exist on matchbox at 192.168.0.1:8081'],
    ["a missing object on delete", status.UNKNOWN, "remove /var/lib/matchbox/groups/node1.json: no such file or directory", site, NotFoundError, 'group "node1" does not exist on matchbox at 192.168.0.1:8081'],
    ["Select without groups/", status.UNKNOWN, "open /var/lib/matchbox/groups: no such file or directory", { ...site, object: undefined, labels: { os: "x" } }, NotFoundError, "no group on matchbox at 192.168.0.1:8081 matches os=x"],
    ["matchbox's validation", status.UNKNOWN, "Id is required", { ...site, method: "GroupPut" }, MatchboxError, "matchbox at 192.168.0.1:8081 refused GroupPut: Id is required"],
    ["no matching group", status.NOT_FOUND, "matchbox: No matching Group", { ...site, labels: { mac: "52:54:00:a1:9c:ae" } }, NotFoundError, "no group on matchbox at 192.168.0.1:8081 matches mac=52:54:00:a1:9c:ae"],
    ["no matching profile", status.NOT_FOUND, "matchbox: No matching Profile", { ...site, labels: {} }, NotFoundError, "matchbox at 192.168.0.1:8081 has a group for no labels, but not the profile it names"],
    ["refused", status.UNAVAILABLE, unavailable("Error: connect ECONNREFUSED 192.168.0.1:8081"), site, MatchboxError, "cannot reach matchbox at 192.168.0.1:8081: connection refused"],
    ["unknown host", status.UNAVAILABLE, unavailable("Error: getaddrinfo ENOTFOUND matchbox.invalid"), site, MatchboxError, "cannot reach matchbox at 192.168.0.1:8081: unknown host name"],
    ["closed after the handshake", status.UNAVAILABLE, "No connection established. Last error: Failed to connect (2026-11-23T00:48:53.870Z). Resolution note: ", site, MatchboxError, "cannot reach matchbox at 192.168.0.1:8081: Failed to connect"],
    ["a server from another CA", status.UNAVAILABLE, unavailable("Error: self-signed certificate in certificate chain"), site, CertificateError, "matchbox at 192.168.0.1:8081: its server certificate was not issued by this project's CA (self-signed certificate in certificate chain)"],
    ["an address the certificate does not cover", status.UNAVAILABLE, unavailable("Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 192.168.0.1 is not in the cert's list: 10.9.9.9"), site, CertificateError, "matchbox at 192.168.0.1:8081: its server certificate does not cover this address (it covers 10.9.9.9)"],
    ["an expired server certificate", status.UNAVAILABLE, unavailable("Error: certificate has expired"), site, CertificateError, "matchbox at 192.168.0.1:8081: its server certificate has expired"],
    ["a client certificate refused", status.UNAVAILABLE, "No connection established. Last error: 80FC4A21FF7E0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116\n (2026-11-23T00:48:53.852Z). Resolution note: ", site, CertificateError, "matchbox at 192.168.0.1:8081 refused pxectl's client certificate (tlsv13 alert certificate required)"],
    ["the HTTP port", status.UNAVAILABLE, unavailable("Error: 80FC4A21FF7E0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n"), site, MatchboxError, "192.168.0.1:8081 does not speak TLS: is it matchbox's HTTP port instead of its gRPC port?"],
    ["a deadline", status.DEADLINE_EXCEEDED, "Deadline exceeded after 15.001s", site, TimeoutError, "matchbox at 192.168.0.1:8081 did not answer GroupGet within 15 s"],
    ["a call the server dropped", status.CANCELLED, "Call cancelled", site, MatchboxError, "matchbox at 192.168.0.1:8081 closed the connection during GroupGet (Call cancelled)"],
    ["not matchbox", status.UNIMPLEMENTED, "", site, MatchboxError, "192.168.0.1:8081 does not serve matchbox's gRPC API (GroupGet is not implemented there)"],
    ["a message too large", status.RESOURCE_EXHAUSTED, "Received message larger than max (5000000 vs. 4194304)", { ...site, method: "IgnitionPut" }, MatchboxError, "matchbox at 192.168.0.1:8081 refused IgnitionPut: Received message larger than max (5000000 vs. 4194304)"],
  ])("%s", (_what, code, details, where, type, message) => {
    const e = fromGrpc({ code, details, message: `${code} ${details}` }, where);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toBe(message);
    expect(e.hint).toBeTruthy();
  });

  it("names where the endpoint comes from and what blocks it, for every unreachable matchbox", () => {
    const e = fromGrpc({ code: status.UNAVAILABLE, details: unavailable("Error: connect ECONNREFUSED 192.168.0.1:8081"), message: "" }, site);
    expect(e.hint).toMatch(/--endpoint, PXECTL_MATCHBOX_ENDPOINT.*pxectl status.*-rpc-address.*packet filter/);
  });
});

describe("shortReason", () => {
  it("keeps a plain message as it is", () => expect(shortReason("something odd")).toBe("something odd"));
});
