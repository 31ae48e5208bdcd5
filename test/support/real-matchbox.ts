// The real matchbox v0.11.0 in tests: found through PXECTL_TEST_MATCHBOX (.ci/run sets it to
// ../shared/matchbox/matchbox), started on loopback with a temp data dir and the test's
// certificates, waited for until both APIs answer, and stopped when the test ends. Without
// it a test says so in one loud NOT RUN line and is skipped; it never passes silently.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { request } from "node:http";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** REAL_MATCHBOX_VARIABLE names the variable holding the real binary's path. */
export const REAL_MATCHBOX_VARIABLE = "PXECTL_TEST_MATCHBOX";

const SHARED_BINARY = fileURLToPath(new URL("../../../shared/matchbox/matchbox", import.meta.url));

/** realMatchboxBinary is the real matchbox's path, or undefined when this machine has none. */
export function realMatchboxBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env[REAL_MATCHBOX_VARIABLE];
  if (!path) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * skipWithoutRealMatchbox returns true when the real matchbox is missing, after one loud line
 * naming what did not run. Under CI with ../shared present a missing variable is an error:
 * CI must run these tests.
 */
export function skipWithoutRealMatchbox(what: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (realMatchboxBinary(env)) return false;
  const given = env[REAL_MATCHBOX_VARIABLE];
  if (env.CI === "true" && existsSync(SHARED_BINARY)) {
    throw new Error(`${REAL_MATCHBOX_VARIABLE} is ${given ? `${given}, not an executable file` : "unset"} under CI although ${SHARED_BINARY} exists: .ci/run must export it`);
  }
  const why = given ? `${REAL_MATCHBOX_VARIABLE}=${given} is not an executable file` : `set ${REAL_MATCHBOX_VARIABLE}`;
  process.stderr.write(`\n!!! NOT RUN: real matchbox ${what} (${why}, e.g. to ../shared/matchbox/matchbox) !!!\n\n`);
  return true;
}

/** freePort asks the kernel for a loopback port nobody listens on (matchbox cannot take :0 and report it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** RealMatchboxOptions are the flags the test chooses. */
export interface RealMatchboxOptions {
  binary: string;
  dataPath: string;
  /** "" disables /assets/. */
  assetsPath: string;
  tls: { certFile: string; keyFile: string; caFile: string };
  logLevel?: string;
  /** Fixed ports (a restart keeps its ports); free ones by default. */
  httpPort?: number;
  rpcPort?: number;
  /** Every stderr line (matchbox logs there). */
  log?: (line: string) => void;
}

/** RealMatchbox is a running matchbox process. */
export interface RealMatchbox {
  httpAddress: string;
  httpUrl: string;
  rpcAddress: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

function httpAnswers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`http://${address}/`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false)).on("timeout", () => req.destroy());
    req.end();
  });
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function startOnce(o: RealMatchboxOptions, httpPort: number, rpcPort: number): Promise<RealMatchbox | string> {
  const httpAddress = `127.0.0.1:${httpPort}`;
  const rpcAddress = `127.0.0.1:${rpcPort}`;
  const args = ["-address", httpAddress, "-rpc-address", rpcAddress, "-data-path", o.dataPath, "-assets-path", o.assetsPath, "-cert-file", o.tls.certFile, "-key-file", o.tls.keyFile, "-ca-file", o.tls.caFile, "-log-level", o.logLevel ?? "debug"];
  // no MATCHBOX_* variables from the test's environment: the flags say everything
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MATCHBOX_")));
  const child = spawn(o.binary, args, { stdio: ["ignore", "ignore", "pipe"], env });
  const lines: string[] = [];
  let rest = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      o.log?.(line);
    }
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited(child);
  };
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return `matchbox exited (${child.exitCode ?? child.signalCode}): ${lines.join(" | ")}`;
    if ((await httpAnswers(httpAddress)) && (await tcpAnswers(rpcPort))) return { httpAddress, httpUrl: `http://${httpAddress}`, rpcAddress, process: child, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  return `matchbox did not answer on ${httpAddress} and ${rpcAddress} within 10 s: ${lines.join(" | ")}`;
}

/** startRealMatchbox starts the binary; a port taken meanwhile by someone else is retried with new free ones. */
export async function startRealMatchbox(o: RealMatchboxOptions): Promise<RealMatchbox> {
  let problem = "";
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await startOnce(o, o.httpPort ?? (await freePort()), o.rpcPort ?? (await freePort()));
    if (typeof started !== "string") return started;
    problem = started;
    if (!/address already in use/.test(problem) || (o.httpPort && o.rpcPort)) break;
  }
  throw new Error(problem);
}
