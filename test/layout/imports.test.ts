// The layout rules of the developers' guide, checked on the source: a command never imports
// another command (only the shared option helpers beside them, its own noun's registrar and
// the private parts of its own command), and no domain folder imports the CLI frame.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(__dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** importsOf lists the resolved src-relative targets of a file's relative imports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\()\s*"(\.[^"]+)"/g)].map((m) => m[1]!);
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)));
}

const SHARED_IN_COMMANDS = new Set(["commands/cloud-options", "commands/duration-option", "commands/matchbox-options", "commands/registry"]);
// files of one command that are not commands themselves (its checks, its answers, its shell scripts)
const COMMAND_PARTS = /^commands\/(status\/(cloud|host|lab|local)-checks|init\/answers|completion\/(scripts|tree)|lab\/up-vm)$/;

describe("layout", () => {
  it("no command file imports another command file", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(SRC, "commands"))) {
      const from = relative(SRC, file).replace(/\.ts$/, "");
      for (const target of importsOf(file)) {
        if (!target.startsWith("commands/")) continue;
        if (SHARED_IN_COMMANDS.has(target) || COMMAND_PARTS.test(target)) continue;
        // a noun's index.ts registers its commands: it and its commands may share option types
        if (target.endsWith("/index") || from.endsWith("/index") || from === "commands/registry") {
          if (dirname(target) === dirname(from) || from === "commands/registry") continue;
        }
        offenders.push(`${from} -> ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("no domain folder imports the CLI frame or a command", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = relative(SRC, file);
      if (from.startsWith("cli/") || from.startsWith("commands/")) continue;
      for (const target of importsOf(file)) if (target.startsWith("cli/") || target.startsWith("commands/")) offenders.push(`${from} -> ${target}`);
    }
    expect(offenders).toEqual([]);
  });
});
