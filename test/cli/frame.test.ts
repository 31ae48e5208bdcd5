import { describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

describe("the CLI frame", () => {
  it("prints the version from package.json", async () => {
    const r = await runCli(["--version"], { cwd: tempDir() });
    expect(r).toMatchObject({ exitCode: 0, stdout: "0.1.0\n", stderr: "" });
  });

  it("lists only commands that exist in --help, on stdout", async () => {
    const r = await runCli(["--help"], { cwd: tempDir() });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: pxectl \[options\] \[command\]/);
    for (const flag of ["--config <file>", "--output <format>", "--yes", "--no-color", "--verbose", "--quiet", "--version"]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/\n {2}completion <shell> /);
    expect(r.stdout).toMatch(/\n {2}config /);
  });

  it("shows duration defaults as they are typed, not in milliseconds", async () => {
    const r = await runCli(["watch", "--help"], { cwd: tempDir() });
    expect(r.exitCode).toBe(0);
    const help = r.stdout.replace(/\s+/g, " ");
    expect(help).toContain("give up after this long, e.g. 30m or 2h (default: 30m)");
    expect(help).toContain("or this if shorter) (default: 10m)");
    expect(help).toContain("no matching group) (default: 1m)");
    expect(help).not.toMatch(/default: \d{4,}/);
  });

  it("answers an unknown command with one line, a hint and exit code 2", async () => {
    const r = await runCli(["frobnicate"], { cwd: tempDir() });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: unknown command 'frobnicate'\nhint: run pxectl --help, or pxectl COMMAND --help\n");
  });

  it("suggests the flag a typo meant", async () => {
    const r = await runCli(["config", "validate", "--verbos"], { cwd: tempDir() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("error: unknown option '--verbos'");
    expect(r.stderr).toContain("--verbose");
  });

  it("rejects an unknown output format, naming the choices", async () => {
    const r = await runCli(["--output", "xml", "config", "validate"], { cwd: tempDir() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("Allowed choices are table, json, yaml");
  });

  it("prints usage errors as JSON on stderr in json mode, nothing on stdout", async () => {
    const r = await runCli(["-o", "json", "frobnicate"], { cwd: tempDir() });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: "usage", message: "unknown command 'frobnicate'", hint: "run pxectl --help, or pxectl COMMAND --help" },
    });
  });

  it("takes the output format from PXECTL_OUTPUT when the flag is absent", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    const r = await runCli(["config", "validate"], { cwd, env: { PXECTL_OUTPUT: "json" } });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: "pxectl.yaml", valid: true, name: "demo" });
    const flagWins = await runCli(["config", "validate", "-o", "yaml"], { cwd, env: { PXECTL_OUTPUT: "json" } });
    expect(flagWins.stdout).toBe("file: pxectl.yaml\nvalid: true\nname: demo\n");
  });

  it("refuses a bad PXECTL_OUTPUT with a usage error", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    const r = await runCli(["config", "validate"], { cwd, env: { PXECTL_OUTPUT: "xml" } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('PXECTL_OUTPUT="xml" is not an output format');
  });

  it("accepts global options after the command too", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    const r = await runCli(["config", "validate", "--output", "json"], { cwd });
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true });
  });

  it("exits 130 and says how to resume when interrupted", async () => {
    const controller = new AbortController();
    controller.abort(Object.assign(new Error("interrupted by SIGINT"), { name: "AbortError" }));
    const cwd = tempDir({ "pxectl.yaml": "name: demo\n" });
    const r = await runCli(["config", "validate"], { cwd, signal: controller.signal });
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain("error: interrupted");
    expect(r.stderr).toContain("run the same command again to resume");
  });

  it("runs as a real process: the bundle exits with the documented codes", async () => {
    const cwd = tempDir();
    const ok = await spawnCli(["--version"], { cwd });
    expect(ok).toMatchObject({ exitCode: 0, stdout: "0.1.0\n" });
    const missing = await spawnCli(["config", "validate"], { cwd });
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toMatch(/^error: pxectl.yaml: no project file here\nhint: /);
  });
});
