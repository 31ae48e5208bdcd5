// Handlebars templates, strict: a variable that is not defined is an error naming it and
// its file:line:col, never an empty string in a machine's config. Output is not
// HTML-escaped (it is YAML or JSON). The names a template reads from its root context
// are known before rendering, so callers can tell which configs depend on a node.
import Handlebars from "handlebars";
import { ConfigError } from "../core/errors";

type HbsNode = hbs.AST.Node;
type Path = hbs.AST.PathExpression;

/** TemplateOrigin says where a template's text sits in the file the user edits. */
export interface TemplateOrigin {
  file: string;
  /** Lines before the template in its file (for templates inlined in another file). */
  lineOffset?: number;
  /** Columns before each line (the indentation of an inline block). */
  columnOffset?: number;
}

/** Template is a compiled template and the root variables it reads. */
export interface Template {
  readonly origin: TemplateOrigin;
  /** Root names read from the context ("node" for {{node.mac}}); "*" when it reads the whole context. */
  readonly roots: ReadonlySet<string>;
  render(context: object): string;
}

const env = Handlebars.create();
env.registerHelper("json", function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
  if (value === undefined) throw helperError("json needs a defined value", options);
  return JSON.stringify(value);
});

function helperError(message: string, options: Handlebars.HelperOptions): Error {
  const loc = (options as unknown as { loc?: hbs.AST.SourceLocation }).loc;
  return new Error(loc ? `${message} - ${loc.start.line}:${loc.start.column}` : message);
}

const CONTEXT_HELPERS = new Set(["each", "with"]);
const BUILTIN_HELPERS = new Set(["if", "unless", "each", "with", "lookup", "log", "json"]);

function collectRoots(program: hbs.AST.Program): Set<string> {
  const roots = new Set<string>();
  const visitPath = (p: Path, depth: number, locals: ReadonlySet<string>) => {
    if (p.data) {
      if (p.parts[0] === "root" && p.parts[1]) roots.add(p.parts[1]);
      return;
    }
    if (p.depth !== depth) return;
    const head = p.parts[0];
    if (head === undefined) roots.add("*");
    else if (!locals.has(head)) roots.add(head);
  };
  const visit = (node: HbsNode | null | undefined, depth: number, locals: ReadonlySet<string>): void => {
    if (!node) return;
    switch (node.type) {
      case "Program":
        for (const s of (node as hbs.AST.Program).body) visit(s, depth, locals);
        return;
      case "PathExpression":
        return visitPath(node as Path, depth, locals);
      case "SubExpression":
      case "MustacheStatement":
      case "BlockStatement": {
        const n = node as hbs.AST.BlockStatement;
        const name = (n.path).original;
        const isHelper = BUILTIN_HELPERS.has(name) || n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0;
        if (!isHelper) visit(n.path, depth, locals);
        for (const p of n.params) visit(p, depth, locals);
        for (const pair of n.hash?.pairs ?? []) visit(pair.value, depth, locals);
        if (node.type === "BlockStatement") {
          const pushes = CONTEXT_HELPERS.has(name) || !isHelper;
          const inner = new Set([...locals, ...(n.program?.blockParams ?? [])]);
          visit(n.program, pushes ? depth + 1 : depth, inner);
          visit(n.inverse, depth, locals);
        }
        return;
      }
      default:
        return;
    }
  };
  visit(program, 0, new Set());
  return roots;
}

function problemAt(origin: TemplateOrigin, line: number | undefined, column: number | undefined, message: string): ConfigError {
  return new ConfigError(
    [
      {
        file: origin.file,
        line: line === undefined ? undefined : line + (origin.lineOffset ?? 0),
        column: column === undefined ? undefined : column + (origin.columnOffset ?? 0),
        message,
      },
    ],
    { hint: "fix the template; variables come from pxectl.yaml variables, group metadata, node and matchbox" },
  );
}

function syntaxError(origin: TemplateOrigin, e: Error): ConfigError {
  const lines = e.message.split("\n");
  const line = Number(/line (\d+)/.exec(lines[0] ?? "")?.[1]) || undefined;
  const caret = lines[2]?.indexOf("^");
  const got = /got '([^']+)'$/.exec(lines[3] ?? "")?.[1];
  const what = got === "EOF" ? "a block or {{ is not closed" : got ? `unexpected ${got.toLowerCase()}` : "invalid syntax";
  // the excerpt shows at most 20 characters before the caret, so the column is a lower bound
  return problemAt(origin, line, caret !== undefined && caret >= 0 && caret < 20 ? caret + 1 : undefined, `invalid template: ${what}`);
}

// handlebars names only the last part of a missing path ("mac" for node.mac): read the whole path at its position
function pathAt(text: string, line: number, column: number): string | undefined {
  return /^[A-Za-z_@][\w.@/-]*/.exec(text.split("\n")[line - 1]?.slice(column) ?? "")?.[0];
}

/** compileTemplate parses a template (throwing a located ConfigError on bad syntax). */
export function compileTemplate(text: string, origin: TemplateOrigin): Template {
  let ast: hbs.AST.Program;
  try {
    ast = env.parse(text);
  } catch (e) {
    throw syntaxError(origin, e as Error);
  }
  const roots = collectRoots(ast);
  const fn = env.compile(ast, { strict: true, noEscape: true, knownHelpersOnly: true, knownHelpers: { json: true } });
  return {
    origin,
    roots,
    render(context) {
      try {
        return fn(context);
      } catch (e) {
        const raw = (e as Error).message;
        const located = /^(.*) - (\d+):(\d+)$/.exec(raw);
        if (!located) throw problemAt(origin, undefined, undefined, `template error: ${raw}`);
        const [, what, line, column] = located;
        const missing = /^"(.+)" not defined in/.exec(what!)?.[1];
        const name = missing ? (pathAt(text, Number(line), Number(column)) ?? missing) : undefined;
        const message = name ? `template variable "${name}" is not defined` : what!;
        throw problemAt(origin, Number(line), Number(column) + 1, message);
      }
    },
  };
}

/** isTemplate says whether text uses handlebars at all (plain files skip the engine). */
export function isTemplate(text: string): boolean {
  return text.includes("{{");
}
