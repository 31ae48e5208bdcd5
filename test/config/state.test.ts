import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock";
import { LockedError, StateError } from "../../src/core/errors";
import { writeFileAtomic } from "../../src/config/files";
import { acquireLock } from "../../src/config/lock";
import { STATE_SCHEMA_VERSION, StateStore } from "../../src/config/state";
import { FakeClock } from "../support/clock";
import { tempDir } from "../support/tempdir";

const WRITER = fileURLToPath(new URL("../support/children/state-writer.ts", import.meta.url));

function runWriter(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe("state files", () => {
  it("writes atomically with private permissions and leaves no temp files", async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const { store, release } = await StateStore.openForWrite(join(dir, ".pxectl"), { clock, command: "test", lockTimeoutMs: 0 });
    await store.update((s) => {
      s.env = "demo";
    });
    await release();
    expect(mode(join(dir, ".pxectl"))).toBe(0o700);
    expect(mode(join(dir, ".pxectl/state.json"))).toBe(0o600);
    expect(readdirSync(join(dir, ".pxectl")).sort()).toEqual(["state.json"]);
    const again = await StateStore.read(join(dir, ".pxectl"), { clock });
    expect(again.state).toMatchObject({ schema_version: STATE_SCHEMA_VERSION, env: "demo" });
  });

  it("applies concurrent updates one after the other: none is lost", async () => {
    const dir = join(tempDir(), ".pxectl");
    const { store, release } = await StateStore.openForWrite(dir, { clock: new FakeClock(), command: "test", lockTimeoutMs: 0 });
    await Promise.all(["a", "b", "c"].map((name, i) => store.update((s) => void (s.nodes[name] = { mac: `52:54:00:00:00:0${i + 1}` }))));
    await release();
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).nodes).sort()).toEqual(["a", "b", "c"]);
  });

  it("keeps key files 0600 even under a permissive umask", async () => {
    const dir = tempDir();
    const old = process.umask(0o000);
    try {
      await writeFileAtomic(join(dir, "ca.key"), "secret");
    } finally {
      process.umask(old);
    }
    expect(mode(join(dir, "ca.key"))).toBe(0o600);
  });

  it("survives a crash in the middle of a write: the previous state stays whole", async () => {
    const dir = join(tempDir(), ".pxectl");
    const { store, release } = await StateStore.openForWrite(dir, { clock: systemClock, command: "test", lockTimeoutMs: 0 });
    await store.update((s) => {
      s.env = "before-crash";
    });
    await release();
    const before = readFileSync(join(dir, "state.json"), "utf8");

    const crashed = await runWriter(["crash", dir]);
    expect(crashed.signal).toBe("SIGKILL");
    expect(readFileSync(join(dir, "state.json"), "utf8")).toBe(before);
    const leftovers = readdirSync(dir).filter((n) => n.endsWith(".tmp"));
    expect(leftovers).toHaveLength(1); // the half-written temp file, never renamed into place

    // the dead writer's lock and temp file are cleaned up by the next run
    const next = await StateStore.openForWrite(dir, { clock: systemClock, command: "test", lockTimeoutMs: 0 });
    expect(next.store.state.env).toBe("before-crash");
    await next.release();
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a state file from a newer pxectl", async () => {
    const dir = tempDir({ ".pxectl/state.json": JSON.stringify({ schema_version: 99 }) });
    await expect(StateStore.read(join(dir, ".pxectl"), { clock: systemClock, display: () => ".pxectl/state.json" })).rejects.toThrowError(
      ".pxectl/state.json was written by a newer pxectl (state schema 99, this pxectl knows 1)",
    );
  });

  it("locates a hand-edited mistake in the state file", async () => {
    const text = JSON.stringify({ schema_version: 1, env: null, created_at: "x", updated_at: "x", steps: {}, resources: {}, nodes: { n1: { mac: "52-54-00-00-00-01" } } }, null, 2);
    const dir = tempDir({ ".pxectl/state.json": text });
    const read = StateStore.read(join(dir, ".pxectl"), { clock: systemClock, display: () => ".pxectl/state.json" });
    await expect(read).rejects.toBeInstanceOf(StateError);
    await expect(read).rejects.toThrowError(/^\.pxectl\/state\.json:10:14: nodes\.n1\.mac: invalid value "52-54-00-00-00-01"/);
  });

  it("reports a damaged state file as invalid JSON with its position", async () => {
    const dir = tempDir({ ".pxectl/state.json": '{"schema_version": 1,\n  "env": \n' });
    await expect(StateStore.read(join(dir, ".pxectl"), { clock: systemClock, display: () => "state.json" })).rejects.toThrowError(/^state\.json:\d+:\d+: not valid JSON$/);
  });
});

describe("the project lock", () => {
  it("stops a second run at once, naming the holder", async () => {
    const dir = join(tempDir(), ".pxectl");
    mkdirSync(dir);
    const clock = new FakeClock();
    const first = await acquireLock(join(dir, "lock"), { command: "pxectl init", timeoutMs: 0, clock });
    const second = acquireLock(join(dir, "lock"), { command: "pxectl destroy", timeoutMs: 0, clock });
    await expect(second).rejects.toBeInstanceOf(LockedError);
    await expect(second).rejects.toThrowError(`another pxectl run holds the lock: pid ${process.pid} on ${hostname()}, "pxectl init", started 0s ago`);
    await first.release();
    expect(existsSync(join(dir, "lock"))).toBe(false);
  });

  it("waits for a live holder when given a timeout, then takes the lock", async () => {
    const dir = join(tempDir(), ".pxectl");
    const holder = spawn(process.execPath, ["--import", "tsx", WRITER, "hold", dir, "800"], { stdio: ["ignore", "pipe", "inherit"] });
    const holderClosed = new Promise((resolve) => holder.once("close", resolve));
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    const lock = await acquireLock(join(dir, "lock"), { command: "waiter", timeoutMs: 30_000, clock: systemClock, pollMs: 50 });
    expect(lock.info.command).toBe("waiter");
    await lock.release();
    await holderClosed;
  });

  it("takes over a lock whose process is gone", async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeFileSync(join(dir, "lock"), JSON.stringify({ pid: dead, host: hostname(), command: "pxectl init", started_at: "2026-01-01T00:00:00Z", token: "dead" }));
    const lock = await acquireLock(join(dir, "lock"), { command: "pxectl init", timeoutMs: 0, clock: new FakeClock() });
    expect(JSON.parse(readFileSync(join(dir, "lock"), "utf8"))).toMatchObject({ pid: process.pid, token: lock.info.token });
    await lock.release();
  });

  it("never takes over a lock held on another host", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "lock"), JSON.stringify({ pid: 1, host: "elsewhere", command: "pxectl init", started_at: new Date().toISOString(), token: "x" }));
    const attempt = acquireLock(join(dir, "lock"), { command: "c", timeoutMs: 0, clock: systemClock });
    await expect(attempt).rejects.toThrowError(/pid 1 on elsewhere/);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining("it runs on another host") });
  });

  it("reports an unreadable lock file instead of deleting it", async () => {
    const dir = tempDir({ lock: "garbage" });
    await expect(acquireLock(join(dir, "lock"), { command: "c", timeoutMs: 0, clock: systemClock })).rejects.toBeInstanceOf(StateError);
    expect(readFileSync(join(dir, "lock"), "utf8")).toBe("garbage");
  });

  it("serialises concurrent processes: no update is lost", async () => {
    const dir = join(tempDir(), ".pxectl");
    const processes = 6;
    const each = 8;
    const results = await Promise.all(Array.from({ length: processes }, () => runWriter(["increment", dir, String(each)])));
    for (const r of results) expect(r.stderr).toBe("");
    const state = await StateStore.read(dir, { clock: systemClock });
    expect(state.state.env).toBe(String(processes * each));
    expect(readdirSync(dir).sort()).toEqual(["state.json"]);
  });
});
