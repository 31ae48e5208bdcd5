// The matchbox test server: matchbox v0.11.0's HTTP API and gRPC API (mutual TLS required)
// over one data directory in matchbox's own layout, with its log lines. Started in-process
// by tests and the bench, or by hand and in the boot lab through main.ts.
import { readFile } from "node:fs/promises";
import { type Server as HttpServer, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { handleHttp } from "./http";
import { type LogLevel, Logger } from "./logrus";
import { type RpcHook, addMatchboxServices } from "./rpc";
import { FileStore } from "./store";

/** TlsFiles are the server's certificate and key, and the CA its clients must be issued by. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** MatchboxTestServerOptions mirror matchbox's flags. */
export interface MatchboxTestServerOptions {
  /** -data-path: groups/, profiles/, ignition/, generic/ live here. */
  dataPath: string;
  /** -assets-path; "" disables /assets/ (the default here, unlike matchbox's /var/lib/matchbox/assets). */
  assetsPath?: string;
  /** -address (default 127.0.0.1:0: a free port). */
  address?: string;
  /** -rpc-address; without it the gRPC API is off, as in matchbox. */
  rpcAddress?: string;
  tls?: TlsFiles;
  logLevel?: LogLevel;
  /** Where log lines go (default: nowhere). */
  log?: (line: string) => void;
  /** Runs before every gRPC call: tests inject faults or stop the server here. */
  rpcHook?: RpcHook;
}

/** MatchboxTestServer is a running server. */
export interface MatchboxTestServer {
  /** http://host:port of the HTTP API. */
  httpUrl: string;
  httpAddress: string;
  /** host:port of the gRPC API, when enabled. */
  rpcAddress: string | undefined;
  dataPath: string;
  /** close stops both listeners at once (in-flight gRPC calls fail UNAVAILABLE). */
  close(): Promise<void>;
}

function splitAddress(address: string): { host: string; port: number } {
  const m = /^(?:\[(.*)\]|(.*)):(\d+)$/.exec(address);
  if (!m) throw new Error(`listen ${address}: missing port in address`);
  return { host: m[1] ?? m[2] ?? "", port: Number(m[3]) };
}

function joinAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

async function listenHttp(server: HttpServer, address: string): Promise<string> {
  const { host, port } = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host || undefined, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return joinAddress(host || bound.address, bound.port);
}

async function listenGrpc(server: grpc.Server, address: string, tls: TlsFiles): Promise<string> {
  const [cert, key, ca] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile), readFile(tls.caFile)]);
  // checkClientCertificate = true: tls.RequireAndVerifyClientCert, as matchbox
  const credentials = grpc.ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(address, credentials, (e, p) => (e ? reject(e) : resolve(p))));
  return joinAddress(splitAddress(address).host, port);
}

/** startMatchboxTestServer starts the HTTP API and, with rpcAddress and tls, the gRPC API. */
export async function startMatchboxTestServer(o: MatchboxTestServerOptions): Promise<MatchboxTestServer> {
  const logger = new Logger(o.log ?? (() => {}), o.logLevel ?? "info");
  const store = new FileStore(o.dataPath, (message) => logger.info(message));
  const http = createServer((req, res) => {
    handleHttp({ store, logger, assetsPath: o.assetsPath ?? "" }, req, res).catch((e: unknown) => {
      logger.error(`error writing to response: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  let grpcServer: grpc.Server | undefined;
  let rpcAddress: string | undefined;
  try {
    if (o.rpcAddress) {
      if (!o.tls) throw new Error("the gRPC API needs TLS files (-cert-file, -key-file, -ca-file)");
      grpcServer = new grpc.Server();
      addMatchboxServices(grpcServer, store, o.rpcHook);
      rpcAddress = await listenGrpc(grpcServer, o.rpcAddress, o.tls);
      logger.info(`Starting matchbox gRPC server on ${rpcAddress}`);
      logger.info(`Using TLS server certificate: ${o.tls.certFile}`);
      logger.info(`Using TLS server key: ${o.tls.keyFile}`);
      logger.info(`Using CA certificate: ${o.tls.caFile} to authenticate client certificates`);
    }
    const httpAddress = await listenHttp(http, o.address ?? "127.0.0.1:0");
    logger.info(`Starting matchbox HTTP server on ${httpAddress}`);
    return {
      httpUrl: `http://${httpAddress}`,
      httpAddress,
      rpcAddress,
      dataPath: o.dataPath,
      close: async () => {
        grpcServer?.forceShutdown();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      },
    };
  } catch (e) {
    grpcServer?.forceShutdown();
    http.close();
    throw e;
  }
}
