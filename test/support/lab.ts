// The boot lab in tests: whether this machine can run it (root, namespaces, QEMU, dnsmasq),
// said in one loud line when it cannot, and helpers to read what the VMs wrote.
import { execFileSync } from "node:child_process";
import { openSync, readSync, closeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { missing, missingLine, requirements, skipUnless } from "./programs";

/** LAB_CACHE keeps the lab OS between runs (built once from Debian's kernel and busybox), in the project: .cache/lab. */
export const LAB_CACHE = process.env.PXECTL_LAB_CACHE ?? fileURLToPath(new URL("../../.cache/lab", import.meta.url));
/** MATCHBOX_TEST_SERVER is the bundled matchbox test server, built by the global setup. */
export const MATCHBOX_TEST_SERVER = fileURLToPath(new URL("../../dist/matchbox-test-server.cjs", import.meta.url));

/** labUnavailable says why the lab cannot run here, or undefined when it can. */
export function labUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  const programs = requirements().filter((r) => r.use === "lab").flatMap((r) => r.needs);
  const absent = missingLine(missing({ only: programs }));
  if (absent) return absent;
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "network namespaces do not work here (ip netns list failed)";
  }
  return undefined;
}

/** skipLab returns true when the lab tests must be skipped, after saying so loudly; under CI it never skips. */
export function skipLab(): boolean {
  return skipUnless("BOOT LAB tests", labUnavailable());
}

/** installedConfig reads the config the lab installer wrote to a disk: a line with its size, then its bytes. */
export function installedConfig(disk: string, offsetMiB = 32): string | undefined {
  const fd = openSync(disk, "r");
  try {
    const buffer = Buffer.alloc(1 << 20);
    readSync(fd, buffer, 0, buffer.length, offsetMiB << 20);
    const newline = buffer.indexOf(10);
    const size = Number(buffer.subarray(0, newline).toString());
    if (newline < 0 || !Number.isInteger(size) || size <= 0) return undefined;
    return buffer.subarray(newline + 1, newline + 1 + size).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Timings collects what a VM test measured, printed as one line when it ends. */
export class Timings {
  private readonly entries: string[] = [];
  constructor(private readonly title: string) {}

  add(...entries: string[]): void {
    this.entries.push(...entries);
  }

  /** time runs work and records how long it took under the name what, also when it fails (a failure's story). */
  async time<T>(what: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.entries.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }

  print(): void {
    if (this.entries.length > 0) process.stderr.write(`${this.title}: ${this.entries.join(", ")}\n`);
  }
}
