// Two matchbox servers driven the same way: the real matchbox v0.11.0 and the project's test
// server, started with the same certificates, each on its own data and assets folders. An
// operation is one gRPC call or one HTTP request; its answer is what pxectl sees (status
// code and message, the decoded response; HTTP status, body and type), with each server's
// own folders replaced by placeholders so the two can be compared.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import { type ServiceName, methodOf } from "../../src/matchbox/proto";
import type { TlsPaths } from "../../src/pki";
import { type MatchboxTestServer, startMatchboxTestServer } from "./matchbox";
import { type RealMatchbox, startRealMatchbox } from "./real-matchbox";

/** RpcOp is one gRPC call. */
export interface RpcOp {
  kind: "rpc";
  service: ServiceName;
  method: string;
  request: Record<string, unknown>;
}

/** HttpOp is one HTTP GET of a path with its raw query. */
export interface HttpOp {
  kind: "http";
  target: string;
}

/** FileOp writes a file in the data folder by hand (as an operator or a broken disk would). */
export interface FileOp {
  kind: "file";
  path: string;
  content: string;
}

export type Op = RpcOp | HttpOp | FileOp;

/** Answer is what one operation gave, comparable between the servers. */
export type Answer =
  | { rpc: string; code: number; details: string; response?: unknown }
  | { http: string; status: number; type: string | undefined; location: string | undefined; body: string }
  | { file: string };

/** Side is one running server with its client. */
export interface Side {
  name: "real" | "test-server";
  dataPath: string;
  assetsPath: string;
  client: grpc.Client;
  httpAddress: string;
  logs: string[];
  stop(): Promise<void>;
}

function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { bytes: Buffer.from(value).toString("utf8") };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** normalise replaces a side's folders with placeholders. */
function normalise(side: Side, text: string): string {
  return text.split(side.dataPath).join("<data>").split(side.assetsPath).join("<assets>");
}

function rpc(side: Side, op: RpcOp): Promise<Answer> {
  const m = methodOf(op.service, op.method);
  const name = `${op.method}`;
  return new Promise((resolve) => {
    side.client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, op.request, { deadline: Date.now() + 10_000 }, (err, response) => {
      if (err) resolve({ rpc: name, code: err.code, details: normalise(side, err.details) });
      else resolve({ rpc: name, code: 0, details: "", response: plain(response) });
    });
  });
}

function http(side: Side, op: HttpOp): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: Number(side.httpAddress.split(":")[1]), path: op.target, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          http: op.target,
          status: res.statusCode ?? 0,
          type: res.headers["content-type"],
          location: res.headers.location,
          body: normalise(side, Buffer.concat(chunks).toString("utf8")),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** run performs one operation on one side. */
export async function run(side: Side, op: Op): Promise<Answer> {
  if (op.kind === "rpc") return rpc(side, op);
  if (op.kind === "http") return http(side, op);
  const path = join(side.dataPath, op.path);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, op.content);
  return { file: op.path };
}

/** reset empties a side's data folder (both servers read it afresh on every request). */
export function reset(side: Side): void {
  for (const entry of readdirSync(side.dataPath)) rmSync(join(side.dataPath, entry), { recursive: true, force: true });
  side.logs.length = 0;
}

function client(endpoint: string, pki: TlsPaths): grpc.Client {
  const credentials = grpc.credentials.createSsl(readFileSync(pki.ca.cert), readFileSync(pki.client.key), readFileSync(pki.client.cert));
  return new grpc.Client(endpoint, credentials, { "grpc.ssl_target_name_override": "localhost", "grpc.max_receive_message_length": 64 << 20 });
}

/** startBoth starts the real matchbox and the test server under root, the assets copied from assets to each. */
export async function startBoth(o: { binary: string; pki: TlsPaths; root: string; assets: string }): Promise<[Side, Side]> {
  const folders = (name: string) => {
    const dataPath = join(o.root, name, "data");
    const assetsPath = join(o.root, name, "assets");
    mkdirSync(dataPath, { recursive: true });
    cpSync(o.assets, assetsPath, { recursive: true, preserveTimestamps: true });
    return { dataPath, assetsPath };
  };
  const tls = { certFile: o.pki.server.cert, keyFile: o.pki.server.key, caFile: o.pki.ca.cert };
  const realFolders = folders("real");
  const realLogs: string[] = [];
  const real: RealMatchbox = await startRealMatchbox({ binary: o.binary, ...realFolders, tls, logLevel: "debug", log: (l) => void realLogs.push(l) });
  const testFolders = folders("test-server");
  const testLogs: string[] = [];
  const test: MatchboxTestServer = await startMatchboxTestServer({ ...testFolders, address: "127.0.0.1:0", rpcAddress: "127.0.0.1:0", tls, logLevel: "debug", log: (l) => void testLogs.push(l) });
  const realClient = client(real.rpcAddress, o.pki);
  const testClient = client(test.rpcAddress!, o.pki);
  return [
    { name: "real", ...realFolders, client: realClient, httpAddress: real.httpAddress, logs: realLogs, stop: async () => (realClient.close(), await real.stop()) },
    { name: "test-server", ...testFolders, client: testClient, httpAddress: test.httpAddress, logs: testLogs, stop: async () => (testClient.close(), await test.close()) },
  ];
}
