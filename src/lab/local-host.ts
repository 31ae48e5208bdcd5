// This machine as a RemoteHost, so the lab can reuse installer steps that run on a host
// (downloading and checking matchbox's release) on the operator's own machine, under a root
// prefix (the lab cache). Commands run with sh; the lab runs as root already.
import { spawn } from "node:child_process";
import { chmod, readFile, rename, writeFile } from "node:fs/promises";
import { RemoteError } from "../core/errors";
import type { ExecOptions, ExecResult, LinesOptions, RemoteHost, UploadOptions } from "../remote/host";

/** LocalHost runs commands on this machine. */
export class LocalHost implements RemoteHost {
  readonly label = "this machine";
  readonly user = "root";

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn("sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], signal: options.signal, timeout: options.timeoutMs ?? 10 * 60_000 });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (c: Buffer) => out.push(c));
      child.stderr.on("data", (c: Buffer) => err.push(c));
      child.on("error", (e) => reject(new RemoteError(`\`${options.label ?? command}\` could not run: ${e.message}`, { cause: e })));
      child.on("close", (code) => {
        const result = { exitCode: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
        if ((options.okExitCodes ?? [0]).includes(result.exitCode)) resolve(result);
        else reject(new RemoteError(`\`${options.label ?? command}\` failed on ${this.label} (exit ${result.exitCode}): ${result.stderr.trim().split("\n").at(-1) ?? ""}`));
      });
    });
  }

  lines(_command: string, _options: LinesOptions): AsyncIterable<string> {
    throw new Error("LocalHost does not follow commands");
  }

  async upload(data: string | Uint8Array, path: string, options: UploadOptions): Promise<void> {
    const staged = `${path}.pxectl-upload`;
    await writeFile(staged, data, { mode: options.mode });
    await chmod(staged, options.mode);
    await rename(staged, path);
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    return readFile(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return undefined;
      throw e;
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
