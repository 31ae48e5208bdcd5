// The matchbox test server's command line, checked the way matchbox's main.go checks it
// (fatal log lines, exit 1), then both APIs started with the log on stderr and the
// listening addresses on stdout.
import { stat } from "node:fs/promises";
import { FlagError, parseFlags, usage } from "./flags";
import { Logger, parseLogLevel } from "./logrus";
import { startMatchboxTestServer } from "./server";

/** VERSION is what -version prints. */
export const VERSION = "v0.11.0-pxectl-test-server";

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function fileError(path: string): Promise<string | undefined> {
  try {
    await stat(path);
    return undefined;
  } catch {
    return `stat ${path}: no such file or directory`;
  }
}

/** main runs the server until SIGINT or SIGTERM; it returns the exit code for errors at start. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const stderr = (line: string) => void process.stderr.write(line + "\n");
  let flags;
  try {
    flags = parseFlags(argv, env);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    process.stderr.write(`${e.message}\n${usage()}`);
    return 2;
  }
  if (flags.version) return void process.stdout.write(`${VERSION}\n`);
  if (flags.help) return void process.stderr.write(usage());
  const boot = new Logger(stderr);
  const fatal = (msg: string) => (boot.log("fatal", msg), 1);
  if (!(await isDir(flags["data-path"]))) return fatal("A valid -data-path is required");
  if (flags["assets-path"] !== "" && !(await isDir(flags["assets-path"]))) return fatal(`Provide a valid -assets-path or '' to disable asset serving: ${flags["assets-path"]}`);
  if (flags["rpc-address"] !== "") {
    const checks: Array<[string, string]> = [
      [flags["cert-file"], "Provide a valid TLS server certificate with -cert-file"],
      [flags["key-file"], "Provide a valid TLS server key with -key-file"],
      [flags["ca-file"], "Provide a valid TLS certificate authority for authorizing client certificates"],
    ];
    for (const [file, message] of checks) {
      const problem = await fileError(file);
      if (problem) return fatal(`${message}: ${problem}`);
    }
  }
  if (flags["web-ssl"] || flags["key-ring-path"] !== "") return fatal("the matchbox test server supports neither -web-ssl nor -key-ring-path");
  let logLevel;
  try {
    logLevel = parseLogLevel(flags["log-level"]);
  } catch (e) {
    return fatal((e as Error).message);
  }
  const server = await startMatchboxTestServer({
    dataPath: flags["data-path"],
    assetsPath: flags["assets-path"],
    address: flags.address,
    rpcAddress: flags["rpc-address"] || undefined,
    tls: { certFile: flags["cert-file"], keyFile: flags["key-file"], caFile: flags["ca-file"] },
    logLevel,
    log: stderr,
  }).catch((e: Error) => {
    boot.log("fatal", `failed to start listening: ${e.message}`);
    return undefined;
  });
  if (!server) return 1;
  const rpc = server.rpcAddress ? `, gRPC ${server.rpcAddress}` : "";
  process.stdout.write(`matchbox test server: HTTP ${server.httpUrl}${rpc}\n${server.rpcAddress ? `export PXECTL_MATCHBOX_ENDPOINT=${server.rpcAddress}\n` : ""}`);
  const stop = () => void server.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return undefined;
}
