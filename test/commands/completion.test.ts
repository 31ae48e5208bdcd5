import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

async function script(shell: string): Promise<string> {
  const r = await runCli(["completion", shell], { cwd: tempDir() });
  expect(r.exitCode).toBe(0);
  return r.stdout;
}

/** bashComplete runs the generated function in a real bash for the words typed so far. */
function bashComplete(file: string, line: string): string[] {
  const words = line.split(" ");
  const program = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _pxectl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["--norc", "-c", program], { encoding: "utf8" }).split("\n").filter(Boolean);
}

describe("pxectl completion", () => {
  it("bash completes commands, subcommands, flags and flag values", async () => {
    const file = join(tempDir(), "pxectl.bash");
    writeFileSync(file, await script("bash"));
    expect(bashComplete(file, "pxectl ")).toEqual(expect.arrayContaining(["config", "completion"]));
    expect(bashComplete(file, "pxectl con")).toEqual(["config"]);
    expect(bashComplete(file, "pxectl config ")).toEqual(["validate", "show"]);
    expect(bashComplete(file, "pxectl --output json config va")).toEqual(["validate"]);
    expect(bashComplete(file, "pxectl --output ")).toEqual(["table", "json", "yaml"]);
    expect(bashComplete(file, "pxectl config validate --ver")).toEqual(["--version", "--verbose"]);
  });

  it("fish completes through its own completion engine", async () => {
    const file = join(tempDir(), "pxectl.fish");
    writeFileSync(file, await script("fish"));
    const complete = (line: string) =>
      execFileSync("fish", ["--no-config", "-c", `source ${file}; complete -C '${line}'`], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t")[0]);
    expect(complete("pxectl con")).toEqual(["config"]);
    expect(complete("pxectl config ")).toEqual(expect.arrayContaining(["validate", "show"]));
    expect(complete("pxectl --output ")).toEqual(expect.arrayContaining(["table", "json", "yaml"]));
  });

  it("zsh's script is valid zsh and defines the completion function", async () => {
    const file = join(tempDir(), "_pxectl");
    const text = await script("zsh");
    writeFileSync(file, text);
    expect(text.startsWith("#compdef pxectl\n")).toBe(true);
    execFileSync("zsh", ["-n", file]);
    const defined = execFileSync("zsh", ["-f", "-c", `compdef() { :; }; source ${file}; whence -w _pxectl`], { encoding: "utf8" });
    expect(defined.trim()).toBe("_pxectl: function");
  });

  it("refuses an unknown shell, naming the choices", async () => {
    const r = await runCli(["completion", "powershell"], { cwd: tempDir() });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("Allowed choices are bash, zsh, fish");
  });
});
