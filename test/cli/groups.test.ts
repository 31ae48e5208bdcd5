// A run registers only the command group it invokes (src/cli/program.ts): the table of command
// words must match what each registrar adds, and help must still list every group.
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import type { Runner } from "../../src/cli/command";
import { buildProgram } from "../../src/cli/program";
import { COMMAND_WORDS, REGISTRARS } from "../../src/commands/registry";
import { runCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

const runner: Runner = { action: () => () => Promise.resolve() };
const sink = { write: () => true };
const words = (program: Command) => program.commands.flatMap((c) => [c.name(), ...c.aliases()]).filter((w) => w !== "help");

describe("command groups registered per run", () => {
  it("the table names exactly the words each registrar adds; only completion, which walks the whole tree, is absent", () => {
    for (const register of REGISTRARS) {
      const program = buildProgram(runner, { stdout: sink, stderr: sink }, [register]);
      const added = words(program);
      if (added.includes("completion")) expect(COMMAND_WORDS.has(register)).toBe(false);
      else expect(COMMAND_WORDS.get(register)).toEqual(added);
    }
  });

  it.each([
    [["config", "validate"], ["config"]],
    [["-c", "x.yaml", "--output", "json", "doctor"], ["status"]],
    [["--lock-timeout", "5", "node", "list"], ["node"]],
    [["--version"], []],
    [["--help"], "all"],
    [["-o", "json", "--help", "config"], "all"],
    [["help", "config"], "all"],
    [["completion", "bash"], "all"],
    [["confg"], "all"],
    [[], "all"],
  ] as const)("for %j registers %j", (argv, expected) => {
    const program = buildProgram(runner, { stdout: sink, stderr: sink }, REGISTRARS, argv);
    const all = words(buildProgram(runner, { stdout: sink, stderr: sink }));
    expect(words(program).filter((w) => w !== "doctor")).toEqual(expected === "all" ? all.filter((w) => w !== "doctor") : expected);
  });

  it("still lists every group in help and suggests across groups", async () => {
    const help = await runCli(["-o", "json", "--help"], { cwd: tempDir() });
    for (const word of ["init", "status|doctor", "node", "profile", "config", "completion"]) expect(help.stdout).toMatch(new RegExp(`\\n  ${word.replace("|", "\\|")}\\b`));
    const typo = await runCli(["confg", "validate"], { cwd: tempDir() });
    expect(typo.stderr).toContain("did you mean config?");
    const inGroup = await runCli(["config", "validat"], { cwd: tempDir() });
    expect(inGroup.stderr).toContain("did you mean validate?");
  });
});
