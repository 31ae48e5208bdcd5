// A real OpenSSH server for tests: Debian's /usr/sbin/sshd in the foreground on
// 127.0.0.1 and a free port, with its own host key, config and authorized_keys in a temp
// folder. It can swap its host key (SIGHUP re-reads it on the same port), add throwaway
// users with or without passwordless sudo, and is stopped by PID.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SSHD = "/usr/sbin/sshd";

/** TestUser is a throwaway account made for one test file. */
export interface TestUser {
  name: string;
  password: string | undefined;
}

/** TestSshd is one running sshd; call stop() when done. */
export interface SshdOptions {
  /** Run sshd inside this network namespace (made by the test), listening on listen. */
  netns?: string;
  listen?: string;
  /** More sshd_config lines, e.g. "SetEnv PATH=..." to put stand-in programs first. */
  extraConfig?: string[];
}

export class TestSshd {
  readonly host: string;
  /** A passphrase-less ed25519 key the server accepts for every user. */
  readonly clientKey: string;
  private log = "";
  private readonly users: TestUser[] = [];

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
    listen: string,
  ) {
    this.host = listen;
    this.clientKey = join(dir, "client_key");
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.log += d));
  }

  /** start launches sshd on a free loopback port, or on port 22 inside a namespace. */
  static async start(o: SshdOptions = {}): Promise<TestSshd> {
    const listen = o.listen ?? "127.0.0.1";
    const dir = mkdtempSync(join(tmpdir(), "pxectl-sshd-"));
    chmodSync(dir, 0o755); // users other than root read authorized_keys through it
    keygen(join(dir, "host_key"));
    keygen(join(dir, "client_key"));
    writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")), { mode: 0o644 });
    // sshd refuses to start without its privilege separation folder
    mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    for (let attempt = 1; ; attempt++) {
      // a namespace the test just made has every port free
      const port = o.netns ? 22 : await freePort();
      writeFileSync(join(dir, "sshd_config"), config(dir, port, listen) + (o.extraConfig ?? []).map((l) => l + "\n").join(""));
      const argv = [SSHD, "-D", "-e", "-f", join(dir, "sshd_config")];
      const child = o.netns
        ? spawn("ip", ["netns", "exec", o.netns, ...argv], { stdio: ["ignore", "ignore", "pipe"] })
        : spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
      const sshd = new TestSshd(dir, port, child, listen);
      try {
        await sshd.waitForLog(/Server listening on \S+ port \d+\./, 1);
        return sshd;
      } catch (e) {
        await sshd.stopProcess();
        // another test run took the port between our probe and sshd's bind
        if (attempt < 5 && /Address already in use/.test(sshd.log)) continue;
        rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }

  /** serverLog is what sshd wrote to stderr so far. */
  get serverLog(): string {
    return this.log;
  }

  /** hostKeyFingerprint is the current host key's SHA256 fingerprint, as ssh-keygen prints it. */
  hostKeyFingerprint(): string {
    const out = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(this.dir, "host_key.pub")], { encoding: "utf8" });
    return out.split(" ")[1]!;
  }

  /** rotateHostKey gives the server a new host key, as a rebuilt (or impersonated) host would have. */
  async rotateHostKey(): Promise<string> {
    rmSync(join(this.dir, "host_key"));
    rmSync(join(this.dir, "host_key.pub"));
    keygen(join(this.dir, "host_key"));
    const listening = countMatches(this.log, /Server listening on/g);
    this.child.kill("SIGHUP"); // sshd re-executes itself and reads the key again, on the same port
    await this.waitForLog(/Server listening on \S+ port \d+\./g, listening + 1);
    return this.hostKeyFingerprint();
  }

  /** addUser creates a throwaway login user (removed by stop) with the test key authorized. */
  addUser(o: { sudo: "nopasswd" | "none"; password?: string }): TestUser {
    const name = `pxt${randomBytes(4).toString("hex")}`;
    execFileSync("useradd", ["--no-create-home", "--home-dir", join(this.dir, "home"), "--shell", "/bin/sh", "--user-group", name]);
    const user = { name, password: o.password };
    this.users.push(user);
    // sshd without PAM refuses accounts whose password is locked, so every user gets one
    execFileSync("chpasswd", { input: `${name}:${o.password ?? randomBytes(12).toString("hex")}\n` });
    if (o.sudo === "nopasswd") writeFileSync(sudoersFile(name), `${name} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    return user;
  }

  /** halt stops the server process only, as a host whose sshd died: keys and users stay for stop(). */
  halt(): Promise<void> {
    return this.stopProcess();
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    for (const user of this.users.splice(0)) {
      rmSync(sudoersFile(user.name), { force: true });
      try {
        execFileSync("userdel", [user.name], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async stopProcess(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }

  private async waitForLog(pattern: RegExp, count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const global = new RegExp(pattern.source, "g");
    while (countMatches(this.log, global) < count) {
      if (this.child.exitCode !== null) throw new Error(`sshd exited (${this.child.exitCode}): ${this.log}`);
      if (Date.now() > deadline) throw new Error(`sshd did not log ${pattern} in time: ${this.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

function config(dir: string, port: number, listen: string): string {
  return [
    `ListenAddress ${listen}`,
    `Port ${port}`,
    `HostKey ${join(dir, "host_key")}`,
    "PidFile none",
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    // the temp folder's owner and modes are not what sshd expects of a home folder
    "StrictModes no",
    "PermitRootLogin yes",
    "PasswordAuthentication yes",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "MaxStartups 50",
    "LogLevel VERBOSE",
    "Subsystem sftp internal-sftp",
    "",
  ].join("\n");
}

function keygen(path: string): void {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "pxectl-test", "-f", path]);
}

function sudoersFile(name: string): string {
  return `/etc/sudoers.d/${name}`;
}

function countMatches(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, "g"))].length;
}

/** freePort asks the kernel for a free loopback port (sshd cannot be told to pick one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
