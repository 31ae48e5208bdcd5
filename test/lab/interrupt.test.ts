// Ctrl-C during lab up acts at once: the abort signal reaches the lab OS build and the lab's
// start, so nothing is built or started after it, and a build cut short leaves no folder.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { ensureInstallerOs } from "../../src/lab/installer-os";
import { runCli } from "../support/cli";
import { skipLab } from "../support/lab";
import { tempDir } from "../support/tempdir";

const emptyCache = () => {
  const dir = mkdtempSync(join(tmpdir(), "pxectl-lab-cache-interrupt-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

describe("Ctrl-C and the lab", () => {
  it("stops the lab OS build before it starts, leaving the cache empty", async () => {
    const cache = emptyCache();
    const controller = new AbortController();
    controller.abort();
    await expect(ensureInstallerOs(cache, () => undefined, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
    expect(readdirSync(cache)).toEqual([]);
  });

  it.skipIf(skipLab())("lab up interrupted builds nothing, starts no namespace and exits 130", async () => {
    const cache = emptyCache();
    const cwd = tempDir();
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(["lab", "up", "--vms", "1", "--matchbox-binary", "/bin/true"], { cwd, env: { PXECTL_LAB_CACHE: cache }, signal: controller.signal });
    expect(r.exitCode, r.stderr).toBe(130);
    expect(readdirSync(cache)).toEqual([]);
    expect(existsSync(join(cwd, ".pxectl/lab"))).toBe(false);
  });
});
