// bin/pxectl with --verbose: the stack trace names pxectl's sources (src/...), through the
// bundle's source map, not lines of the bundle; without it, no stack at all.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

const BIN = fileURLToPath(new URL("../../bin/pxectl", import.meta.url));

describe("bin/pxectl --verbose", () => {
  it("prints a stack trace that points into src/", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nnetwork:\n  dhcp: ful\n" });
    for (const flag of ["--verbose", "-v"]) {
      const r = await spawnCli([flag, "config", "validate"], { cwd, command: [process.execPath, BIN] });
      expect(r.exitCode).toBe(3);
      expect(r.stderr).toMatch(/^ {4}at parseProject\w* \(\S+\/src\/config\/project\.ts:\d+:\d+\)$/m);
      expect(r.stderr).not.toContain("dist/pxectl.cjs:");
    }
    const quiet = await spawnCli(["config", "validate"], { cwd, command: [process.execPath, BIN] });
    expect(quiet.stderr).not.toMatch(/^ {4}at /m);
  });
});
