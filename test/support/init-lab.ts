// What pxectl init needs to run for real in a test: a namespace standing in for the host
// (its NIC 1 has the MAC the SakuraCloud test server gives the first server's second NIC),
// a real sshd in it with a sudo user, and a project folder per run with its --root.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeClock } from "./clock";
import { runCli } from "./cli";
import { type HostNamespace, hostNamespace } from "./host-namespace";
import { seedRoot } from "./root-prefix";
import type { SakuraTestServer } from "./sakuracloud";
import { TestSshd, type TestUser } from "./sshd";
import { tempDir } from "./tempdir";

/** SWITCH_MAC is the test server's second MAC: NIC 1 of the first server it makes. */
export const SWITCH_MAC = "9c:a3:ba:00:00:02";

/** InitLab is the host side; start it in beforeAll and close it in afterAll. */
export interface InitLab {
  host: HostNamespace;
  sshd: TestSshd;
  user: TestUser;
  close(): Promise<void>;
}

export async function startInitLab(): Promise<InitLab> {
  const host = hostNamespace({ switchMac: SWITCH_MAC, switchAddress: "192.168.0.1/24" });
  try {
    const sshd = await TestSshd.start({ netns: host.ns, listen: host.address });
    const user = sshd.addUser({ sudo: "nopasswd" });
    return {
      host,
      sshd,
      user,
      close: async () => {
        // runs killed mid-session leave their staging folders (mktemp -d) in /tmp; once the
        // user is gone its UID is reused, and another test would find them as its own
        execFileSync("find", ["/tmp", "-maxdepth", "1", "-user", user.name, "-exec", "rm", "-rf", "{}", "+"]);
        await sshd.stop();
        host.close();
      },
    };
  } catch (e) {
    host.close();
    throw e;
  }
}

/** InitProject is a project folder that talks to a SakuraCloud test server and the lab's host. */
export interface InitProject {
  cwd: string;
  root: string;
  env: NodeJS.ProcessEnv;
  /** The argv of init for this project (json output). */
  initArgv: string[];
  /** init runs pxectl init in-process with a fake clock. */
  init(clock?: FakeClock, signal?: AbortSignal): ReturnType<typeof runCli>;
}

/** ALLOW_FROM is the operator address every lab project lets through its packet filter. */
export const ALLOW_FROM = "203.0.113.7";

/** initProject makes a project folder (removed when the test ends, or kept with keep). */
export function initProject(lab: InitLab, sakura: SakuraTestServer, { keep = false, extraSans = [] as string[] } = {}): InitProject {
  const cwd = tempDir(
    {
      "pxectl.yaml": [
        "name: demo",
        "sakuracloud:",
        `  allow_from: [${ALLOW_FROM}]`,
        "host:", // the test reaches the host's namespace, not the test server's made-up address
        `  address: ${lab.host.address}`,
        `  ssh_user: ${lab.user.name}`,
        `  ssh_key: ${lab.sshd.clientKey}`,
        "network:",
        "  dns_servers: [192.0.2.53]",
        ...(extraSans.length > 0 ? ["tls:", `  extra_sans: [${extraSans.join(", ")}]`] : []),
        "",
      ].join("\n"),
    },
    { keep },
  );
  writeFileSync(join(cwd, "matchbox"), "#!/bin/sh\necho v0.11.0\n", { mode: 0o755 });
  const root = seedRoot(tempDir({}, { keep })); // looks like a fresh host: accounts, dpkg database, package files
  const env = { SAKURA_API_ROOT_URL: sakura.rootUrl, SAKURA_ACCESS_TOKEN: sakura.credentials.accessToken, SAKURA_ACCESS_TOKEN_SECRET: sakura.credentials.accessTokenSecret };
  const initArgv = ["init", "--root", root, "--matchbox-binary", "matchbox", "--skip-assets", "-o", "json"];
  return { cwd, root, env, initArgv, init: (clock = new FakeClock(), signal?: AbortSignal) => runCli(initArgv, { cwd, env, clock, signal }) };
}
