// Runs pxectl in-process (main) or as a real process (the bundled dist/pxectl.cjs).
import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main";
import type { Clock } from "../../src/core/clock";
import type { FileSystem } from "../../src/config/files";

export const BUNDLE = fileURLToPath(new URL("../../dist/pxectl.cjs", import.meta.url));

/**
 * What spawned runs start: node with the bundle, or with PXECTL_TEST_BINARY=dist/pxectl the
 * single binary (npm run build:binary), so the command suites can check the binary too.
 */
export const CLI_COMMAND: readonly string[] = process.env.PXECTL_TEST_BINARY ? [process.env.PXECTL_TEST_BINARY] : [process.execPath, BUNDLE];

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

class Capture {
  text = "";
  isTTY = false;
  columns = 0;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  signal?: AbortSignal;
  fs?: FileSystem;
}

/** runCli runs main() with captured streams and a clean environment (no TTY, NO_COLOR). */
export async function runCli(argv: string[], o: RunOptions): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  const exitCode = await main(argv, {
    stdout,
    stderr,
    stdin,
    env: { NO_COLOR: "1", ...o.env },
    cwd: o.cwd,
    signal: o.signal ?? new AbortController().signal,
    clock: o.clock,
    fs: o.fs,
  });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

/** RunningCli is a pxectl child process: its result, and a way to kill it. */
export interface RunningCli {
  pid: number;
  result: Promise<CliRun>;
  kill(signal?: NodeJS.Signals): void;
}

/** startCli starts the bundled CLI as a child process (CLI_COMMAND, or o.command instead). */
export function startCli(argv: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; command?: string[] }): RunningCli {
  const [cmd, ...pre] = o.command ?? CLI_COMMAND;
  const child = spawn(cmd!, [...pre, ...argv], { cwd: o.cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...o.env }, stdio: ["pipe", "pipe", "pipe"] });
  const result = new Promise<CliRun>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ exitCode: code ?? (signal ? 128 + (signal === "SIGKILL" ? 9 : 15) : 1), stdout, stderr }));
  });
  child.stdin.on("error", () => undefined); // a child killed early closes its stdin under us
  child.stdin.end(o.input ?? "");
  return { pid: child.pid!, result, kill: (signal = "SIGKILL") => void child.kill(signal) };
}

/** spawnCli runs the bundled CLI as a child process and collects its output. */
export function spawnCli(argv: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; input?: string; command?: string[] }): Promise<CliRun> {
  return startCli(argv, o).result;
}
