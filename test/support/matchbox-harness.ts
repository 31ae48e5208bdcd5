// A matchbox per test: the real matchbox v0.11.0 when this machine has it (startMatchbox),
// else the project's test server, which also stays for injected faults (startTestMatchbox).
// Either way a fresh data directory, the shared test PKI, the log kept in memory, and a
// gRPC client of pxectl's own; everything stops when the test ends.
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { openMatchbox } from "../../src/matchbox/connect";
import type { MatchboxApi } from "../../src/matchbox/types";
import type { TlsPaths } from "../../src/pki";
import { type MatchboxTestServer, type MatchboxTestServerOptions, startMatchboxTestServer } from "./matchbox";
import { type RealMatchbox, realMatchboxBinary, startRealMatchbox } from "./real-matchbox";
import { tempDir } from "./tempdir";
import { testPki } from "./tls";

/** TestMatchbox is a running test server and what a test needs around it. */
export interface TestMatchbox {
  /** Which program answers: the real matchbox or the project's test server. */
  kind: "real" | "test-server";
  server: Pick<MatchboxTestServer, "httpUrl" | "httpAddress" | "rpcAddress">;
  pki: TlsPaths;
  /** host:port of the gRPC API. */
  endpoint: string;
  httpUrl: string;
  dataPath: string;
  assetsPath: string;
  /** Every log line so far. */
  logs: string[];
  /** api opens pxectl's client with the test PKI's client certificate (closed at the end of the test). */
  api(): Promise<MatchboxApi>;
  /** restart stops the server and starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** startTestMatchbox starts a server with mutual TLS on loopback, ephemeral ports. */
export async function startTestMatchbox(o: Partial<Pick<MatchboxTestServerOptions, "logLevel" | "rpcHook">> & { pki?: TlsPaths } = {}): Promise<TestMatchbox> {
  const pki = o.pki ?? (await testPki());
  const root = tempDir();
  const dataPath = join(root, "data");
  const assetsPath = join(root, "assets");
  mkdirSync(dataPath);
  mkdirSync(assetsPath);
  const logs: string[] = [];
  const options = (address: string, rpcAddress: string): MatchboxTestServerOptions => ({
    dataPath,
    assetsPath,
    address,
    rpcAddress,
    tls: { certFile: pki.server.cert, keyFile: pki.server.key, caFile: pki.ca.cert },
    logLevel: o.logLevel ?? "debug",
    log: (line) => logs.push(line),
    rpcHook: o.rpcHook,
  });
  let server = await startMatchboxTestServer(options("127.0.0.1:0", "127.0.0.1:0"));
  let running = true;
  const clients: MatchboxApi[] = [];
  const t: TestMatchbox = {
    kind: "test-server",
    server,
    pki,
    endpoint: server.rpcAddress!,
    httpUrl: server.httpUrl,
    dataPath,
    assetsPath,
    logs,
    api: async () => {
      const api = await openMatchbox({ endpoint: t.endpoint, caFile: pki.ca.cert, certFile: pki.client.cert, keyFile: pki.client.key });
      clients.push(api);
      return api;
    },
    restart: async () => {
      await t.stop();
      server = await startMatchboxTestServer(options(server.httpAddress, server.rpcAddress!));
      t.server = server;
      running = true;
    },
    stop: async () => {
      if (running) await server.close();
      running = false;
    },
  };
  onTestFinished(async () => {
    for (const c of clients) c.close();
    await t.stop();
  });
  return t;
}

/** exampleProject copies examples/pxectl.yaml, examples/profiles and mb's PKI into a project folder that talks to mb. */
export function exampleProject(mb: TestMatchbox): { cwd: string; env: NodeJS.ProcessEnv } {
  const examples = fileURLToPath(new URL("../../examples", import.meta.url));
  const cwd = tempDir();
  cpSync(join(examples, "pxectl.yaml"), join(cwd, "pxectl.yaml"));
  cpSync(join(examples, "profiles"), join(cwd, "profiles"), { recursive: true });
  cpSync(mb.pki.dir, join(cwd, ".pxectl/tls"), { recursive: true });
  return { cwd, env: { PXECTL_MATCHBOX_ENDPOINT: mb.endpoint } };
}

let saidFallback = false;

/**
 * startMatchbox starts the real matchbox when PXECTL_TEST_MATCHBOX names it, else the test
 * server (saying so once per test file). Tests that need faults injected use startTestMatchbox.
 */
export async function startMatchbox(o: { pki?: TlsPaths; logLevel?: MatchboxTestServerOptions["logLevel"] } = {}): Promise<TestMatchbox> {
  const binary = realMatchboxBinary();
  if (!binary) {
    if (!saidFallback) process.stderr.write("note: PXECTL_TEST_MATCHBOX is unset: this file runs against the matchbox test server, not the real matchbox\n");
    saidFallback = true;
    return startTestMatchbox(o);
  }
  const pki = o.pki ?? (await testPki());
  const root = tempDir();
  const dataPath = join(root, "data");
  const assetsPath = join(root, "assets");
  mkdirSync(dataPath);
  mkdirSync(assetsPath);
  const logs: string[] = [];
  const options = { binary, dataPath, assetsPath, tls: { certFile: pki.server.cert, keyFile: pki.server.key, caFile: pki.ca.cert }, logLevel: o.logLevel ?? "debug", log: (line: string) => void logs.push(line) };
  let server: RealMatchbox | undefined = await startRealMatchbox(options);
  const clients: MatchboxApi[] = [];
  const t: TestMatchbox = {
    kind: "real",
    server: { httpUrl: server.httpUrl, httpAddress: server.httpAddress, rpcAddress: server.rpcAddress },
    pki,
    endpoint: server.rpcAddress,
    httpUrl: server.httpUrl,
    dataPath,
    assetsPath,
    logs,
    api: async () => {
      const api = await openMatchbox({ endpoint: t.endpoint, caFile: pki.ca.cert, certFile: pki.client.cert, keyFile: pki.client.key });
      clients.push(api);
      return api;
    },
    restart: async () => {
      await t.stop();
      const [httpPort, rpcPort] = [t.server.httpAddress, t.endpoint].map((a) => Number(a.split(":").pop()));
      server = await startRealMatchbox({ ...options, httpPort, rpcPort });
    },
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
  };
  onTestFinished(async () => {
    for (const c of clients) c.close();
    await t.stop();
  });
  return t;
}
