import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/core/errors";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("documents exactly the exit codes pxectl uses", () => {
    const table = /<!-- exit-codes:start[^>]*-->\n([\s\S]*?)<!-- exit-codes:end -->/.exec(readme)?.[1];
    expect(table).toBeDefined();
    const rows = table!.trim().split("\n").slice(2).map((line) => line.split("|").map((c) => c.trim()).slice(1, 4));
    expect(rows).toEqual(EXIT_CODES.map((e) => [String(e.exitCode), `\`${e.code}\``, e.meaning]));
  });
});

describe("README commands", () => {
  it("shows every command pxectl has, with an example", async () => {
    const { buildProgram } = await import("../src/cli/program");
    const { describeTree, flatten } = await import("../src/commands/completion/tree");
    const sink = { write: () => true };
    const program = buildProgram({ action: () => () => Promise.resolve() }, { stdout: sink, stderr: sink });
    const leaves = flatten(describeTree(program)).filter((n) => n.path && n.commands.length === 0);
    const missing = leaves.filter((n) => !readme.includes(`pxectl ${n.path}`));
    expect(missing.map((n) => n.path)).toEqual([]);
  });
});
