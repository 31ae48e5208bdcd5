import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { CertificateError } from "../../src/core/errors";
import { createCa, ensureTls, issueClient, issueServer, loadLeaf, tlsPaths, writePair } from "../../src/pki";
import { tempDir } from "../support/tempdir";
import { testPki } from "../support/tls";

const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });

describe("the project PKI", () => {
  it("creates six files, 0600, that openssl accepts as one chain", async () => {
    const paths = await testPki();
    for (const role of ["ca", "server", "client"] as const) {
      expect(statSync(paths[role].cert).mode & 0o777).toBe(0o600);
      expect(statSync(paths[role].key).mode & 0o777).toBe(0o600);
    }
    expect(openssl("verify", "-CAfile", paths.ca.cert, paths.server.cert, paths.client.cert)).toBe(`${paths.server.cert}: OK\n${paths.client.cert}: OK\n`);
    for (const role of ["server", "client"] as const) {
      const fromCert = openssl("x509", "-in", paths[role].cert, "-noout", "-pubkey");
      const fromKey = openssl("pkey", "-in", paths[role].key, "-pubout");
      expect(fromKey).toBe(fromCert);
    }
  });

  it("marks the CA as a CA for leaves only, and each leaf for its one use", async () => {
    const paths = await testPki();
    const ca = openssl("x509", "-in", paths.ca.cert, "-noout", "-ext", "basicConstraints,keyUsage");
    expect(ca).toMatch(/critical\s+CA:TRUE, pathlen:0/);
    expect(ca).toMatch(/Certificate Sign, CRL Sign/);
    const server = openssl("x509", "-in", paths.server.cert, "-noout", "-ext", "subjectAltName,extendedKeyUsage,basicConstraints,keyUsage");
    expect(server).toMatch(/IP Address:127\.0\.0\.1, DNS:localhost/);
    expect(server).toMatch(/TLS Web Server Authentication/);
    expect(server).not.toMatch(/Client Authentication/);
    expect(server).toMatch(/CA:FALSE/);
    expect(server).toMatch(/Digital Signature, Key Encipherment/);
    const client = openssl("x509", "-in", paths.client.cert, "-noout", "-ext", "extendedKeyUsage");
    expect(client).toMatch(/TLS Web Client Authentication/);
    expect(client).not.toMatch(/Server Authentication/);
    expect(openssl("verify", "-purpose", "sslserver", "-CAfile", paths.ca.cert, paths.server.cert)).toContain("OK");
    expect(openssl("verify", "-purpose", "sslclient", "-CAfile", paths.ca.cert, paths.client.cert)).toContain("OK");
  });

  it("links each leaf to the CA's key identifier", async () => {
    const paths = await testPki();
    const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(openssl("x509", "-in", paths.ca.cert, "-noout", "-ext", "subjectKeyIdentifier"))?.[1];
    const aki = openssl("x509", "-in", paths.server.cert, "-noout", "-ext", "authorityKeyIdentifier");
    expect(ski).toBeDefined();
    expect(aki).toContain(ski!);
  });

  it("is idempotent, and re-issues the server certificate only for new addresses", async () => {
    const paths = tlsPaths(join(tempDir(), "tls"));
    const now = new Date();
    expect(await ensureTls(paths, { env: "t", serverSans: ["10.0.0.1"], validityDays: 30, now })).toEqual(["ca", "server", "client"]);
    const ca = readFileSync(paths.ca.cert, "utf8");
    expect(await ensureTls(paths, { env: "t", serverSans: ["10.0.0.1"], validityDays: 30, now })).toEqual([]);
    expect(await ensureTls(paths, { env: "t", serverSans: ["10.0.0.1", "203.0.113.9"], validityDays: 30, now })).toEqual(["server"]);
    expect(readFileSync(paths.ca.cert, "utf8")).toBe(ca);
    expect(openssl("x509", "-in", paths.server.cert, "-noout", "-ext", "subjectAltName")).toMatch(/IP Address:10\.0\.0\.1, IP Address:203\.0\.113\.9/);
  });
});

describe("checking a leaf certificate", () => {
  const display = (p: string) => p.replace(/.*\//, "tls/");

  it("refuses an expired one, with the rotate command as the fix", async () => {
    const paths = tlsPaths(join(tempDir(), "tls"));
    const long_ago = new Date("2020-01-01T00:00:00Z");
    const ca = createCa({ commonName: "ca", validityDays: 3650, now: long_ago });
    await writePair(paths, "ca", ca);
    await writePair(paths, "client", issueClient(ca, { commonName: "c", validityDays: 1, now: long_ago }));
    const load = loadLeaf(paths, "client", { display, now: new Date() });
    await expect(load).rejects.toBeInstanceOf(CertificateError);
    await expect(load).rejects.toMatchObject({ message: "tls/client.crt expired on 2020-01-02", hint: "re-issue it: pxectl cert rotate --client" });
  });

  it("refuses one from another CA", async () => {
    const paths = tlsPaths(join(tempDir(), "tls"));
    const now = new Date();
    await writePair(paths, "ca", createCa({ commonName: "mine", validityDays: 10, now }));
    const other = createCa({ commonName: "theirs", validityDays: 10, now });
    await writePair(paths, "server", issueServer(other, { commonName: "x", sans: ["127.0.0.1"], validityDays: 10, now }));
    await expect(loadLeaf(paths, "server", { display, now })).rejects.toThrowError("tls/server.crt was not issued by this project's CA");
  });

  it("refuses a certificate paired with the wrong key", async () => {
    const paths = tlsPaths(join(tempDir(), "tls"));
    const now = new Date();
    const ca = createCa({ commonName: "ca", validityDays: 10, now });
    await writePair(paths, "ca", ca);
    const a = issueClient(ca, { commonName: "a", validityDays: 10, now });
    const b = issueClient(ca, { commonName: "b", validityDays: 10, now });
    await writePair(paths, "client", { certPem: a.certPem, keyPem: b.keyPem });
    await expect(loadLeaf(paths, "client", { display, now })).rejects.toThrowError("tls/client.crt does not match its private key");
  });
});

// A gRPC server that, like matchbox, requires a client certificate from its CA.
const echo: grpc.ServiceDefinition = {
  Echo: {
    path: "/test.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

async function startServer(paths: Awaited<ReturnType<typeof testPki>>): Promise<{ port: number; close: () => void }> {
  const server = new grpc.Server();
  server.addService(echo, { Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request) });
  const creds = grpc.ServerCredentials.createSsl(readFileSync(paths.ca.cert), [{ cert_chain: readFileSync(paths.server.cert), private_key: readFileSync(paths.server.key) }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", creds, (e, p) => (e ? reject(e) : resolve(p))));
  return { port, close: () => server.forceShutdown() };
}

function call(port: number, creds: grpc.ChannelCredentials): Promise<string> {
  const Client = grpc.makeGenericClientConstructor(echo, "Echo");
  const client = new Client(`127.0.0.1:${port}`, creds);
  return new Promise<string>((resolve, reject) => {
    (client as unknown as { Echo: (b: Buffer, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: Buffer) => void) => void }).Echo(
      Buffer.from("ping"),
      { deadline: Date.now() + 5000 },
      (e, r) => (e ? reject(e) : resolve(r!.toString())),
    );
  }).finally(() => client.close());
}

describe("mutual TLS with the issued certificates", () => {
  it("lets pxectl's client in", async () => {
    const paths = await testPki();
    const server = await startServer(paths);
    try {
      const creds = grpc.credentials.createSsl(readFileSync(paths.ca.cert), readFileSync(paths.client.key), readFileSync(paths.client.cert));
      await expect(call(server.port, creds)).resolves.toBe("ping");
    } finally {
      server.close();
    }
  });

  it("refuses a client without a certificate, and one from another CA", async () => {
    const paths = await testPki();
    const foreign = await testPki("foreign");
    const server = await startServer(paths);
    try {
      await expect(call(server.port, grpc.credentials.createSsl(readFileSync(paths.ca.cert)))).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      const stranger = grpc.credentials.createSsl(readFileSync(paths.ca.cert), readFileSync(foreign.client.key), readFileSync(foreign.client.cert));
      await expect(call(server.port, stranger)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      server.close();
    }
  });

  it("makes the client refuse a server from another CA", async () => {
    const paths = await testPki();
    const foreign = await testPki("foreign");
    const server = await startServer(foreign);
    try {
      const creds = grpc.credentials.createSsl(readFileSync(paths.ca.cert), readFileSync(paths.client.key), readFileSync(paths.client.cert));
      await expect(call(server.port, creds)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      server.close();
    }
  });
});
