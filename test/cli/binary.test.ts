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

  it("answers --help and --version to a pipe with the text the program prints, without loading it", async () => {
    const cwd = tempDir();
    const fromBundle = await spawnCli(["--help"], { cwd, command: [process.execPath, join(root, "dist/pxectl.cjs")] });
    for (const args of [["--help"], ["-h"], ["--version"], ["-V"]]) {
      const r = await spawnCli(args, { cwd, command: [binary], env: { PATH: "/nonexistent", PXECTL_SEA_TRACE: "1" } });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(args[0]!.startsWith("--h") || args[0] === "-h" ? fromBundle.stdout : "0.1.0\n");
      expect(r.stderr).toBe("pxectl-sea: answered from the text made at build time\n"); // and no chunk loaded
    }
    // anything more is the program's: here, the config group's help, from its chunks
    const group = await spawnCli(["config", "--help"], { cwd, command: [binary], env: { PATH: "/nonexistent", PXECTL_SEA_TRACE: "1" } });
    expect(group.stdout).toMatch(/^Usage: pxectl config /);
    expect(group.stderr).toContain("pxectl-sea: bin.js cache accepted");
  });

  it("loads its lazy modules (yaml, ajv, schemas) from inside itself", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nnetwork:\n  dhcp: ful\n" });
    const r = await spawnCli(["config", "validate"], { cwd, command: [binary], env: { PATH: "/nonexistent" } });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split("\n")[0]).toBe('error: pxectl.yaml:3:9: network.dhcp: must be one of full, proxy (got "ful"); did you mean "full"?');
  });

  // Each command group is its own chunk of the binary, loaded on use (src/cli/chunks.ts): one
  // command of each runs, offline, far enough to load and run its group's code.
  it.each([
    [["init", "--yes"], 2, /^error: sakuracloud\.allow_from is empty/m],
    [["status"], 1, /^✓ config +pxectl\.yaml: environment demo on sakuracloud$/m],
    [["destroy", "--yes"], 2, /^error: no SakuraCloud API key found$/m],
    [["node", "list"], 0, /^no nodes yet: pxectl node add --mac MAC$/m],
    [["watch"], 9, /^error: no nodes to watch$/m],
    [["lab", "status"], 13, /^error: the lab is not up$/m],
    [["profile", "list"], 2, /^error: no matchbox endpoint is known$/m],
    [["group", "list"], 2, /^error: no matchbox endpoint is known$/m],
    [["assets", "prefetch"], 9, /^error: there is no host yet in this project$/m],
    [["config", "show"], 0, /^name: demo\nprovider: sakuracloud\n/],
    [["-o", "yaml", "config", "validate"], 0, /^file: pxectl\.yaml\nvalid: true\nname: demo$/m],
    [["cert", "show"], 11, /^error: no CA in \.pxectl\/tls$/m],
    [["completion", "bash"], 0, /^_pxectl_complete\(\) \{$/m],
  ] as const)("runs pxectl %j", async (argv, exitCode, output) => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    const r = await spawnCli([...argv], { cwd, command: [binary], env: { PATH: "/nonexistent", HOME: cwd } });
    expect({ exitCode: r.exitCode, output: r.stdout + r.stderr }).toMatchObject({ exitCode, output: expect.stringMatching(output) });
  });

  it("takes every code cache it was built with", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    const r = await spawnCli(["config", "validate"], { cwd, command: [binary], env: { PATH: "/nonexistent", PXECTL_SEA_TRACE: "1" } });
    const chunks = r.stderr.split("\n").filter((l) => l.startsWith("pxectl-sea: "));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.filter((l) => !l.endsWith(" cache accepted"))).toEqual([]);
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
