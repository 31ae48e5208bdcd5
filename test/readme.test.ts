// The README and docs/ say what is true: the exit codes, every command with an example, a
// quick start of exactly two commands that exist, no sudo for a root machine, links that resolve.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/core/errors";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");
const readme = read("README.md");
const commands = read("docs/commands.md");
const documents = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** section is the text under a "## title" heading, up to the next heading of that level. */
const section = (text: string, title: string) => new RegExp(`^## ${title}\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, "m").exec(text)?.[1] ?? "";
/** codeLines are the lines of a text's fenced code blocks. */
const codeLines = (text: string) => [...text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)].flatMap((m) => m[1]!.split("\n")).filter(Boolean);

describe("docs/commands.md", () => {
  it("documents exactly the exit codes pxectl uses", () => {
    const table = /<!-- exit-codes:start[^>]*-->\n([\s\S]*?)<!-- exit-codes:end -->/.exec(commands)?.[1];
    expect(table).toBeDefined();
    const rows = table!.trim().split("\n").slice(2).map((line) => line.split("|").map((c) => c.trim()).slice(1, 4));
    expect(rows).toEqual(EXIT_CODES.map((e) => [String(e.exitCode), `\`${e.code}\``, e.meaning]));
  });

  it("shows every command pxectl has, with an example", async () => {
    const { buildProgram } = await import("../src/cli/program");
    const { describeTree, flatten } = await import("../src/commands/completion/tree");
    const sink = { write: () => true };
    const program = buildProgram({ action: () => () => Promise.resolve() }, { stdout: sink, stderr: sink });
    const leaves = flatten(describeTree(program)).filter((n) => n.path && n.commands.length === 0);
    const missing = leaves.filter((n) => !commands.includes(`pxectl ${n.path}`));
    expect(missing.map((n) => n.path)).toEqual([]);
  });
});

describe("README", () => {
  it("opens with a quick start of exactly two commands, both in the repository and executable", () => {
    const quickStart = section(readme, "Quick start");
    const block = codeLines(quickStart);
    expect(block).toEqual(["scripts/lab-demo", "scripts/test"]);
    for (const command of block) expect(statSync(join(root, command)).mode & 0o111, command).not.toBe(0);
    expect(/^## .*/m.exec(readme)?.[0]).toBe("## Quick start"); // the first section
  });

  it("installs without an optional step that the next one needs", () => {
    const install = codeLines(section(readme, "Install"));
    expect(install.length).toBeGreaterThan(0);
    expect(install.filter((l) => /optional/i.test(l))).toEqual([]);
    const made = install.findIndex((l) => l.startsWith("npm run build:binary"));
    const used = install.findIndex((l) => l.includes("dist/pxectl ") || l.endsWith("dist/pxectl"));
    if (used >= 0) expect(made).toBeGreaterThanOrEqual(0);
    if (used >= 0) expect(made).toBeLessThan(used);
  });

  it("is short: the reference lives in docs/", () => {
    expect(readme.split("\n").length).toBeLessThan(200);
  });
});

describe("README and docs/", () => {
  it("show no sudo in commands (pxectl's machine is a root one) and make no claim of an exact command count", () => {
    for (const doc of documents) {
      const text = read(doc);
      expect(codeLines(text).filter((l) => /^(\$ )?sudo /.test(l)), doc).toEqual([]);
      expect(text, doc).not.toMatch(/lists exactly/);
    }
  });

  it("link only to files that exist", () => {
    for (const doc of documents) {
      const links = [...read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
      const broken = links.filter((l) => !existsSync(join(root, dirname(doc), l)));
      expect(broken, doc).toEqual([]);
    }
  });
});
