// The SSH layer against a real OpenSSH server on loopback: host key pinning, exec (exit
// codes, streaming, timeouts, sudo), atomic uploads, reconnection after a drop, and
// cancellation of a long-running command.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { RemoteError, TimeoutError } from "../../src/core/errors";
import { type ConnectOptions, type RemoteHost, HostKeyMismatchError, connectHost } from "../../src/remote";
import { FakeClock } from "../support/clock";
import { TestSshd } from "../support/sshd";
import { TcpProxy } from "../support/tcp-proxy";
import { tempDir } from "../support/tempdir";

let sshd: TestSshd;
beforeAll(async () => {
  sshd = await TestSshd.start();
});
afterAll(async () => {
  await sshd?.stop();
});

async function connect(o: Partial<ConnectOptions> = {}): Promise<{ host: RemoteHost; log: string[] }> {
  const log: string[] = [];
  const host = await connectHost({
    host: sshd.host,
    port: sshd.port,
    user: "root",
    credentials: { keyFile: sshd.clientKey },
    hostKey: { pinned: sshd.hostKeyFingerprint() },
    log: (line) => log.push(line),
    ...o,
  });
  onTestFinished(() => host.close());
  return { host, log };
}

/** gone polls until no process's command line contains marker (the supervisor kills asynchronously). */
async function gone(marker: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const out = execFileSync("ps", ["-eo", "args="], { encoding: "utf8" });
    if (!out.split("\n").some((l) => l.includes(marker) && !l.includes("ps -eo"))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("host key pinning", () => {
  it("records the key at the first connection and then requires it", async () => {
    const seen: string[] = [];
    const { host } = await connect({ hostKey: { onFirstUse: (k) => void seen.push(`${k.fingerprint} ${k.keyType}`) } });
    expect(seen).toEqual([`${sshd.hostKeyFingerprint()} ssh-ed25519`]);
    expect((await host.exec("echo hi")).stdout).toBe("hi\n");
  });

  it("refuses a host whose key changed, showing both fingerprints", async () => {
    const rebuilt = await TestSshd.start();
    onTestFinished(() => rebuilt.stop());
    const pinned = rebuilt.hostKeyFingerprint();
    const fresh = await rebuilt.rotateHostKey();
    const attempt = connectHost({
      host: rebuilt.host,
      port: rebuilt.port,
      user: "root",
      credentials: { keyFile: rebuilt.clientKey },
      hostKey: { pinned },
      log: () => undefined,
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const mismatch = error as HostKeyMismatchError;
    expect(mismatch.message).toContain(pinned);
    expect(mismatch.message).toContain(fresh);
    expect(mismatch.exitCode).toBe(5);
    expect(mismatch.hint).toMatch(/rebuilt/);
    // refused before authentication: no session was ever opened
    expect(rebuilt.serverLog).not.toMatch(/Accepted publickey/);
  });

  it("fails the connection when recording the first key fails", async () => {
    const attempt = connect({ hostKey: { onFirstUse: () => Promise.reject(new Error("disk full")) } });
    await expect(attempt).rejects.toThrow("disk full");
  });
});

describe("exec", () => {
  it("returns output and accepts listed exit codes; other codes are RemoteErrors naming the command and its stderr", async () => {
    const { host } = await connect();
    expect(await host.exec("printf 'a\\nb\\n'; exit 1", { okExitCodes: [0, 1] })).toEqual({ exitCode: 1, stdout: "a\nb\n", stderr: "" });
    const failure = await host.exec("echo first >&2; echo 'no such thing' >&2; exit 3", { label: "check thing" }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RemoteError);
    expect((failure as RemoteError).message).toBe(`\`check thing\` failed on root@127.0.0.1:${sshd.port} (exit 3): first | no such thing`);
  });

  it("streams output into the log while the command runs", async () => {
    const dir = tempDir();
    const go = join(dir, "go");
    const log: string[] = [];
    const { host } = await connect({
      log: (line) => {
        log.push(line);
        // the command waits for this file, so it can only finish if "ready" arrived early
        if (line === "  | ready") writeFileSync(go, "");
      },
    });
    const result = await host.exec(`echo ready; while [ ! -e ${go} ]; do sleep 0.05; done; echo done`, { timeoutMs: 20_000 });
    expect(result.stdout).toBe("ready\ndone\n");
    expect(log.filter((l) => l.startsWith("  "))).toEqual(["  | ready", "  | done", expect.stringMatching(/^ {2}exit 0 after/)]);
  });

  it("stops a command that overruns its timeout, children included", async () => {
    const { host } = await connect();
    const marker = `31.${randomBytes(3).readUIntBE(0, 3)}`;
    const error = await host.exec(`sh -c 'sleep ${marker}'; echo never`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/did not finish on .* within 300ms; it was stopped/);
    expect(await gone(`sleep ${marker}`)).toBe(true);
  });

  it("reads files as root: bytes unchanged, undefined when missing", async () => {
    const dir = tempDir();
    const bytes = randomBytes(70_000);
    writeFileSync(join(dir, "blob"), bytes);
    const { host } = await connect();
    expect((await host.readFile(join(dir, "blob")))?.equals(bytes)).toBe(true);
    expect(await host.readFile(join(dir, "missing"))).toBeUndefined();
  });
});

describe("upload", () => {
  it("writes atomically with mode and owner, replacing the old file and leaving no temp files", async () => {
    const dir = tempDir({ "conf/old": "old\n" });
    const { host } = await connect();
    const path = join(dir, "conf", "old");
    await host.upload("new content\n", path, { mode: 0o640, owner: "nobody", group: "nogroup" });
    expect(readFileSync(path, "utf8")).toBe("new content\n");
    const st = statSync(path);
    expect(st.mode & 0o7777).toBe(0o640);
    expect(st.uid).toBe(Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" })));
    expect(readdirSync(join(dir, "conf"))).toEqual(["old"]);
  });

  it("keeps the old file when the new one cannot be finished", async () => {
    const dir = tempDir({ "conf/keep": "old\n" });
    const { host } = await connect();
    const path = join(dir, "conf", "keep");
    const error = await host.upload("new\n", path, { mode: 0o600, owner: "no-such-user-pxectl" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toMatch(/install .*keep.* failed .*invalid user/);
    expect(readFileSync(path, "utf8")).toBe("old\n");
    expect(readdirSync(join(dir, "conf"))).toEqual(["keep"]);
  });

  it("says which folder is missing", async () => {
    const { host } = await connect();
    await expect(host.upload("x", "/nonexistent-pxectl/dir/file", { mode: 0o644 })).rejects.toThrow("cannot upload /nonexistent-pxectl/dir/file: its folder does not exist");
  });
});

describe("sudo", () => {
  it("runs asRoot commands and uploads through sudo -n for a non-root user", async () => {
    const user = sshd.addUser({ sudo: "nopasswd" });
    // a uid freed by another run's userdel may own leftovers already: only new folders count
    const owned = () => execFileSync("find", ["/tmp", "-maxdepth", "1", "-user", user.name], { encoding: "utf8" }).split("\n").filter(Boolean);
    const before = new Set(owned());
    const dir = tempDir();
    mkdirSync(join(dir, "private"), { mode: 0o700 });
    const { host } = await connect({ user: user.name });
    expect((await host.exec("id -un")).stdout.trim()).toBe(user.name);
    expect((await host.exec("id -u", { asRoot: true })).stdout.trim()).toBe("0");
    const key = join(dir, "private", "server.key");
    await host.upload("secret\n", key, { mode: 0o600, owner: "root" });
    expect(readFileSync(key, "utf8")).toBe("secret\n");
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect((await host.readFile(key))?.toString()).toBe("secret\n");
    // the user's private staging folder goes with the connection
    await host.close();
    expect(owned().filter((f) => !before.has(f))).toEqual([]);
  });

  it("explains a sudo that wants a password", async () => {
    const user = sshd.addUser({ sudo: "none" });
    const { host } = await connect({ user: user.name });
    const error = await host.exec("true", { asRoot: true, label: "install packages" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toMatch(/^sudo on .* refused `install packages`: a password is required$/);
    expect((error as RemoteError).hint).toMatch(/NOPASSWD/);
  });
});

describe("dropped connections", () => {
  it("runs an idempotent command again on a new connection", async () => {
    const proxy = await TcpProxy.start(sshd.port);
    onTestFinished(() => proxy.close());
    const dir = tempDir();
    const runs = join(dir, "runs");
    let cut = false;
    const { host } = await connect({
      port: proxy.port,
      log: (line) => {
        if (line === "  | started" && !cut) {
          cut = true;
          proxy.cut();
        }
      },
      clock: new FakeClock(),
    });
    const result = await host.exec(`echo run >> ${runs}; echo started; sleep 0.5; echo finished`, { idempotent: true });
    expect(result.stdout).toBe("started\nfinished\n");
    expect(readFileSync(runs, "utf8")).toBe("run\nrun\n");
    expect(proxy.accepted).toBe(2);
  });

  it("uploads a file again, whole, on a new connection when the connection drops during the transfer", async () => {
    const proxy = await TcpProxy.start(sshd.port);
    onTestFinished(() => proxy.close());
    const { host, log } = await connect({ port: proxy.port, clock: new FakeClock() });
    const dir = tempDir();
    const data = randomBytes(8 * 1024 * 1024);
    const start = proxy.relayed;
    const cutting = setInterval(() => {
      if (proxy.relayed - start > 1024 * 1024 && proxy.accepted === 1) proxy.cut();
    }, 2);
    try {
      await host.upload(data, join(dir, "big.bin"), { mode: 0o600 });
    } finally {
      clearInterval(cutting);
    }
    expect(proxy.accepted).toBe(2);
    expect(readFileSync(join(dir, "big.bin")).equals(data)).toBe(true);
    expect(readdirSync(dir)).toEqual(["big.bin"]); // the first attempt's partial file is gone
    expect(log.filter((l) => l.includes("connection dropped while uploading"))).toHaveLength(1);
  });

  it("does not repeat a command that is not safe to repeat", async () => {
    const proxy = await TcpProxy.start(sshd.port);
    onTestFinished(() => proxy.close());
    const { host } = await connect({ port: proxy.port, log: (line) => line === "  | started" && proxy.cut() });
    const error = await host.exec("echo started; sleep 5", { label: "apply" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toMatch(/^the connection to .* dropped while running `apply`$/);
    expect((error as RemoteError).hint).toMatch(/may have partly run/);
    // the next command gets a new connection
    expect((await host.exec("echo again")).stdout).toBe("again\n");
  });
});

describe("lines", () => {
  it("yields lines of a long-running command until cancelled, then the command is gone", async () => {
    const { host } = await connect();
    const marker = `pxectl-follow-${randomBytes(4).toString("hex")}`;
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const line of host.lines(`i=0; while :; do echo "line $i"; i=$((i+1)); sleep 0.05; done # ${marker}`, { signal: controller.signal })) {
      seen.push(line);
      if (seen.length === 3) controller.abort();
    }
    expect(seen.slice(0, 3)).toEqual(["line 0", "line 1", "line 2"]);
    expect(await gone(marker)).toBe(true);
  });

  it("stops the command when the loop breaks early, and fails when the command fails", async () => {
    const { host } = await connect();
    const marker = `pxectl-break-${randomBytes(4).toString("hex")}`;
    for await (const line of host.lines(`while :; do echo tick; sleep 0.05; done # ${marker}`, { signal: new AbortController().signal })) {
      if (line === "tick") break;
    }
    expect(await gone(marker)).toBe(true);
    const lines = host.lines("echo one; echo oops >&2; exit 4", { signal: new AbortController().signal, label: "journalctl" });
    const got: string[] = [];
    const error = await (async () => {
      for await (const line of lines) got.push(line);
    })().catch((e: unknown) => e);
    expect(got).toEqual(["one"]);
    expect((error as RemoteError).message).toMatch(/`journalctl` failed .*\(exit 4\): oops/);
  });
});

describe("credentials and secrets", () => {
  it("logs in with a password only when given one, and never shows it", async () => {
    const password = `pw-${randomBytes(8).toString("hex")}`;
    const user = sshd.addUser({ sudo: "none", password });
    const log: string[] = [];
    const host = await connectHost({ host: sshd.host, port: sshd.port, user: user.name, credentials: { password }, hostKey: { pinned: sshd.hostKeyFingerprint() }, log: (l) => log.push(l) });
    onTestFinished(() => host.close());
    expect((await host.exec("id -un")).stdout.trim()).toBe(user.name);
    const wrong = `${password}-wrong`;
    const error = await connectHost({ host: sshd.host, port: sshd.port, user: user.name, credentials: { password: wrong }, hostKey: { pinned: sshd.hostKeyFingerprint() }, log: (l) => log.push(l) }).catch((e: unknown) => e);
    expect((error as RemoteError).message).toBe(`ssh: 127.0.0.1:${sshd.port} refused every credential offered for user ${user.name}`);
    const everything = [...log, (error as RemoteError).message, (error as RemoteError).hint].join("\n");
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(readFileSync(sshd.clientKey, "utf8").split("\n")[1]!);
  });

  it("uses the SSH agent", async () => {
    const dir = tempDir();
    const socket = join(dir, "agent.sock");
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(execFileSync("ssh-agent", ["-s", "-a", socket], { encoding: "utf8" }))![1]);
    onTestFinished(() => void process.kill(pid));
    execFileSync("ssh-add", ["-q", sshd.clientKey], { env: { SSH_AUTH_SOCK: socket }, stdio: "ignore" });
    const { host } = await connect({ credentials: { agentSocket: socket } });
    expect((await host.exec("echo agent")).stdout).toBe("agent\n");
  });

  it("refuses an encrypted key it cannot open, before connecting", async () => {
    const dir = tempDir();
    const key = join(dir, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", key]);
    const error = await connect({ credentials: { keyFile: key } }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`the SSH key ${key} cannot be used: encrypted private openssh key detected, but no passphrase given`);
    expect((error as { hint: string }).hint).toBe(`add it to ssh-agent (ssh-add ${key}) so pxectl can use the agent`);
    await expect(connect({ credentials: { keyFile: join(dir, "nope") } })).rejects.toThrow(`cannot read the SSH key ${join(dir, "nope")}: no such file`);
  });

  it("gives up on a closed port after the configured attempts", async () => {
    const proxy = await TcpProxy.start(1); // nothing listens on port 1: every relay is refused
    await proxy.close();
    const clock = new FakeClock();
    const error = await connect({ port: proxy.port, connectAttempts: 2, clock }).catch((e: unknown) => e);
    expect((error as RemoteError).message).toBe(`ssh: 127.0.0.1:${proxy.port} refused the connection (2 attempts)`);
    expect(clock.sleeps).toHaveLength(1);
    expect(existsSync("/run/sshd")).toBe(true);
  });
});
