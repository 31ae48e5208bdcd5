// The end-to-end environment of init, status and destroy tests: a real sshd in a network
// namespace standing in for the matchbox host (its NIC 1 has the MAC the SakuraCloud test
// server gives the first server's second NIC), a project whose installer writes under a
// root prefix, and the matchbox test server run inside the namespace on what init
// installed there, as matchbox.service would.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CliRun, type RunOptions, runCli } from "./cli";
import { FakeClock } from "./clock";
import { type HostNamespace, hostNamespace } from "./host-namespace";
import type { SakuraTestServer } from "./sakuracloud/server";
import { seedRoot } from "./root-prefix";
import { TestSshd, type TestUser } from "./sshd";
import { tempDir } from "./tempdir";

/** SWITCH_MAC is the test server's second MAC: NIC 1 of the first server. */
export const SWITCH_MAC = "9c:a3:ba:00:00:02";
/** SWITCH_ADDRESS is network.address's host address, where matchbox's HTTP API listens. */
export const SWITCH_ADDRESS = "192.168.0.1";

/** TestHost is the namespace, its sshd and a sudo user; stop() removes them. */
export interface TestHost {
  net: HostNamespace;
  sshd: TestSshd;
  user: TestUser;
  stop(): Promise<void>;
}

/** startTestHost builds the host's namespace and starts sshd in it (call from beforeAll). */
export async function startTestHost(): Promise<TestHost> {
  const net = hostNamespace({ switchMac: SWITCH_MAC, switchAddress: `${SWITCH_ADDRESS}/24` });
  try {
    const sshd = await TestSshd.start({ netns: net.ns, listen: net.address });
    const user = sshd.addUser({ sudo: "nopasswd" });
    const stop = async () => {
      // runs killed mid-session leave their staging folders (mktemp -d) in /tmp; once the
      // user is gone its UID is reused, and another test would find them as its own
      execFileSync("find", ["/tmp", "-maxdepth", "1", "-user", user.name, "-exec", "rm", "-rf", "{}", "+"]);
      await sshd.stop();
      net.close();
    };
    return { net, sshd, user, stop };
  } catch (e) {
    net.close();
    throw e;
  }
}

/** RunHooks replace a run's clock (a FakeClock by default), signal or file system. */
export type RunHooks = Pick<RunOptions, "clock" | "signal" | "fs">;

/** TestProject is a project folder for one environment on the test host. */
export interface TestProject {
  cwd: string;
  /** The root prefix the installer writes under, on the host. */
  root: string;
  env: NodeJS.ProcessEnv;
  /** pxectl runs pxectl in-process in the project, with a fake clock unless one is given. */
  pxectl(argv: string[], o?: RunHooks): Promise<CliRun>;
  /** initArgv is init's command line in this project (for spawnCli). */
  initArgv: string[];
  /** init runs pxectl init with the test's flags (--root, the local matchbox binary, --skip-assets without a Flatcar source), JSON output. */
  init(o?: RunHooks): Promise<CliRun>;
}

/** FlatcarSource is where init's assets step mirrors Flatcar from (a test server, a test key). */
export interface FlatcarSource {
  mirror: string;
  /** The armored public key that signed the release. */
  signingKey: string;
}

/** ALLOW_FROM is the operator address every test project lets through its packet filter. */
export const ALLOW_FROM = "203.0.113.7";

/** ProjectOptions: a Flatcar source (else init runs with --skip-assets), more server SANs, folders kept after the test. */
export interface ProjectOptions {
  flatcar?: FlatcarSource;
  /** Reach the host's sshd here instead (a relay a test can cut). */
  ssh?: { address: string; port: number };
  extraSans?: string[];
  /** sakuracloud.host.archive (the default, Ubuntu 24.04, when absent). */
  archive?: "ubuntu-24.04" | "debian-12";
  keep?: boolean;
}

/** testProject writes pxectl.yaml for the host and the SakuraCloud test server. */
export function testProject(host: TestHost, sakura: SakuraTestServer, o: ProjectOptions = {}): TestProject {
  const flatcar = o.flatcar ? ["assets:", "  flatcar:", `    mirror: ${o.flatcar.mirror}`, "    signing_key: flatcar-key.asc"] : [];
  const sans = o.extraSans?.length ? ["tls:", `  extra_sans: [${o.extraSans.join(", ")}]`] : [];
  const keep = { keep: o.keep ?? false };
  const cwd = tempDir({
    ...(o.flatcar ? { "flatcar-key.asc": o.flatcar.signingKey } : {}),
    "pxectl.yaml": [
      "name: demo",
      "sakuracloud:",
      `  allow_from: [${ALLOW_FROM}]`,
      ...(o.archive ? ["  host:", `    archive: ${o.archive}`] : []),
      "host:", // the test reaches the host's namespace, not the test server's made-up address
      `  address: ${o.ssh?.address ?? host.net.address}`,
      ...(o.ssh ? [`  ssh_port: ${o.ssh.port}`] : []),
      `  ssh_user: ${host.user.name}`,
      `  ssh_key: ${host.sshd.clientKey}`,
      "network:",
      "  dns_servers: [192.0.2.53]",
      ...flatcar,
      ...sans,
      "",
    ].join("\n"),
    matchbox: "#!/bin/sh\necho v0.11.0\n", // uploaded as the matchbox binary, asked for its version
  }, keep);
  chmodSync(join(cwd, "matchbox"), 0o755);
  const root = seedRoot(tempDir({}, keep)); // looks like a fresh host: accounts, dpkg database, package files
  const env = { SAKURA_API_ROOT_URL: sakura.rootUrl, SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret };
  const pxectl: TestProject["pxectl"] = (argv, o = {}) => runCli(argv, { cwd, env, ...o, clock: o.clock ?? new FakeClock() });
  const initArgv = ["init", "--root", root, "--matchbox-binary", "matchbox", ...(o.flatcar ? [] : ["--skip-assets"]), "-o", "json"];
  return { cwd, root, env, pxectl, initArgv, init: (run) => pxectl(initArgv, run) };
}

/** HostMatchbox is the matchbox test server running in the host's namespace. */
export interface HostMatchbox {
  stop(): Promise<void>;
}

const MATCHBOX_MAIN = fileURLToPath(new URL("./matchbox/main.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** startHostMatchbox serves matchbox from the files init installed under the root prefix: HTTP on the switch, gRPC on the host's address. */
export async function startHostMatchbox(host: TestHost, root: string, grpcPort = 8081): Promise<HostMatchbox> {
  const at = (path: string) => join(root, path);
  const argv = [
    ...["netns", "exec", host.net.ns, process.execPath, "--import", "tsx", MATCHBOX_MAIN],
    ...["-address", `${SWITCH_ADDRESS}:8080`, "-rpc-address", `${host.net.address}:${grpcPort}`],
    ...["-data-path", at("var/lib/matchbox"), "-assets-path", at("var/lib/matchbox/assets")],
    ...["-cert-file", at("etc/matchbox/server.crt"), "-key-file", at("etc/matchbox/server.key"), "-ca-file", at("etc/matchbox/ca.crt"), "-log-level", "warning"],
  ];
  const child = spawn("ip", argv, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => ((output += d), output.includes("gRPC") && resolve()));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (output += d));
    child.once("exit", (code) => reject(new Error(`the matchbox test server exited (${code}): ${output}`)));
  });
  return { stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  return exited;
}
