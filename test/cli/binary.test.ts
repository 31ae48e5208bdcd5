import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the single binary", () => {
  let binary: string;
  let empty: string | undefined;
  const bundle = () => ({ code: readFileSync(join(root, "dist/pxectl.cjs"), "utf8"), map: readFileSync(join(root, "dist/pxectl.cjs.map"), "utf8") });
  let before: ReturnType<typeof bundle>;

  beforeAll(() => {
    before = bundle();
    execFileSync("npm", ["run", "--silent", "build:binary"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    // an empty folder: no node_modules, no sources, and no node on PATH below
    empty = mkdtempSync(join(tmpdir(), "pxectl-binary-"));
    binary = join(empty, "pxectl");
    copyFileSync(join(root, "dist/pxectl"), binary);
  }, 180_000);
  afterAll(() => {
    if (empty) rmSync(empty, { recursive: true, force: true });
  });

  it("is built from its own bundle: dist/pxectl.cjs, which tests and bin/pxectl run, and its source map stay as they were", () => {
    const after = bundle();
    expect(after.code === before.code, "dist/pxectl.cjs was replaced").toBe(true);
    expect(after.map === before.map, "dist/pxectl.cjs.map was replaced").toBe(true);
    expect(after.code).toContain("//# sourceMappingURL=pxectl.cjs.map");
    expect((JSON.parse(after.map) as { sources: string[] }).sources).toContain("../src/cli/bin.ts");
    expect(readFileSync(join(root, "dist/sea/pxectl.cjs"), "utf8").length).toBeLessThan(after.code.length * 0.75); // minified
  });

  it("is one self-contained executable", () => {
    expect(statSync(binary).mode & 0o111).not.toBe(0);
    const header = execFileSync("head", ["-c", "4", binary]);
    expect(header.toString("latin1")).toBe("\x7fELF");
  });

  it("prints --version and --help from an empty folder with an empty environment", async () => {
    const cwd = tempDir();
    const version = await spawnCli(["--version"], { cwd, command: [binary], env: { PATH: "/nonexistent" } });
    expect(version).toMatchObject({ exitCode: 0, stdout: "0.1.0\n", stderr: "" });
    const help = await spawnCli(["--help"], { cwd, command: [binary], env: { PATH: "/nonexistent" } });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pxectl \[options\] \[command\]/);
    expect(help.stderr).toBe(""); // no ExperimentalWarning from the SEA
  });

  it("loads its lazy modules (yaml, ajv, schemas) from inside itself", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nnetwork:\n  dhcp: ful\n" });
    const r = await spawnCli(["config", "validate"], { cwd, command: [binary], env: { PATH: "/nonexistent" } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split("\n")[0]).toBe('error: pxectl.yaml:3:9: network.dhcp: must be one of full, proxy (got "ful"); did you mean "full"?');
  });
});

describe("on a terminal", () => {
  const tty = (args: string, cwd: string) =>
    execFileSync("script", ["-qec", `stty cols 100; ${process.execPath} ${join(root, "dist/pxectl.cjs")} ${args}`, "/dev/null"], {
      cwd,
      encoding: "utf8",
      env: { PATH: process.env.PATH, TERM: "xterm" },
    });

  it("colours human output, and never JSON", () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    expect(tty("config validate", cwd)).toContain("\u001b[32m✓\u001b[39m pxectl.yaml is valid");
    expect(tty("config validate --no-color", cwd)).toContain("✓ pxectl.yaml is valid");
    expect(tty("config validate --no-color", cwd)).not.toContain("\u001b[");
    const json = tty("config validate -o json", cwd);
    expect(json).not.toContain("\u001b[");
    expect(JSON.parse(json)).toMatchObject({ valid: true });
  });
});
