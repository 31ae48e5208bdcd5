// YAML with positions: every value can be traced back to its line and column, so
// schema errors point at the offending key, not just at the file. Values come from a fast
// reading (yaml-fast.ts) when it is sure of them; positions always come from `yaml`,
// which reads the text only when one is asked for.
import { type Document, LineCounter, type Node, isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument } from "yaml";
import { ConfigError, type ConfigProblem } from "../core/errors";
import { fastLoad, fastLoadAll } from "./yaml-fast";

export type PathSegment = string | number;

/** Position is a 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Located is a parsed YAML document that can locate any path inside it. */
export interface Located {
  file: string;
  value: unknown;
  /** locate returns where path is written: the key for "key", the value otherwise. */
  locate(path: readonly PathSegment[], which?: "key" | "value"): Position | undefined;
}

export interface YamlOptions {
  /** "1.1" reads 0644 as octal and yes/no as booleans, as Butane (yaml.v3) does. */
  version?: "1.1" | "1.2";
}

// maxAliasCount stops a "billion laughs" document; yaml throws a ReferenceError for it
function toValue(doc: Document.Parsed, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new ConfigError([{ file, message: `invalid YAML: ${e.message.toLowerCase()}` }], { hint: "write the values out instead of expanding aliases (*name) so many times" });
  }
}

function docToLocated(doc: Document.Parsed, lc: LineCounter, file: string): Located {
  const pos = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    file,
    value: toValue(doc, file),
    locate(path, which = "value") {
      let node: unknown = doc.contents;
      let keyNode: Node | undefined;
      let found: Position | undefined = pos((doc.contents as Node | null)?.range?.[0]);
      for (const segment of path) {
        keyNode = undefined;
        if (isMap(node)) {
          const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
          if (!pair) break;
          keyNode = pair.key as Node;
          node = pair.value;
          found = pos(keyNode.range?.[0]) ?? found;
          if (which === "value" && node && (node as Node).range) found = pos((node as Node).range![0]) ?? found;
        } else if (isSeq(node) && typeof segment === "number") {
          const item = node.items[segment] as Node | undefined;
          if (!item) break;
          node = item;
          found = pos(item.range?.[0]) ?? found;
        } else {
          break;
        }
      }
      if (which === "key" && keyNode?.range) return pos(keyNode.range[0]);
      return found;
    },
  };
}

// Only the first syntax error: the ones after it are mostly its consequences.
function syntaxProblems(doc: Document.Parsed, lc: LineCounter, file: string): ConfigProblem[] {
  return doc.errors.slice(0, 1).map((e) => {
    const p = lc.linePos(e.pos[0]);
    return { file, line: p.line, column: p.col, message: `invalid YAML: ${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}` };
  });
}

/** syntaxHint says how to fix the first syntax error of a file. */
function syntaxHint(problems: readonly ConfigProblem[]): string {
  const m = problems[0]?.message ?? "";
  if (/tab/i.test(m)) return "YAML indents with spaces only: replace the tabs at that line";
  if (/quote/i.test(m)) return "close the quote on that line, or write the value without quotes";
  if (/flow (sequence|map|collection)|[\]}]/i.test(m)) return "close the [ or { opened on that line";
  if (/unique|duplicate/i.test(m)) return "keep one of the two keys";
  return 'fix the YAML at that line: indent with spaces, and quote values that hold ": " or " #"';
}

const PARSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

/** parseYaml parses one YAML document or throws a ConfigError with positions. */
export function parseYaml(text: string, file: string, options: YamlOptions = {}): Located {
  const version = options.version ?? "1.2";
  const fast = fastLoad(text, version);
  if (fast) {
    let located: Located | undefined;
    return { file, value: fast.value, locate: (path, which) => (located ??= parseYamlPrecisely(text, file, version)).locate(path, which) };
  }
  return parseYamlPrecisely(text, file, version);
}

function parseYamlPrecisely(text: string, file: string, version: "1.1" | "1.2"): Located {
  const lc = new LineCounter();
  const doc = parseDocument(text, { ...PARSE_OPTIONS, lineCounter: lc, version });
  const problems = syntaxProblems(doc, lc, file);
  if (problems.length > 0) throw new ConfigError(problems, { hint: syntaxHint(problems) });
  return docToLocated(doc, lc, file);
}

/** parseYamlAll parses every document of a multi-document stream (separated by ---). */
export function parseYamlAll(text: string, file: string, options: YamlOptions = {}): Located[] {
  const version = options.version ?? "1.2";
  const fast = fastLoadAll(text, version);
  if (fast) {
    let located: Located[] | undefined;
    return fast.map((value, i) => ({ file, value, locate: (path, which) => (located ??= parseYamlAllPrecisely(text, file, version))[i]!.locate(path, which) }));
  }
  return parseYamlAllPrecisely(text, file, version);
}

function parseYamlAllPrecisely(text: string, file: string, version: "1.1" | "1.2"): Located[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter: lc, version });
  if (!Array.isArray(docs)) return [];
  const problems = docs.flatMap((d) => syntaxProblems(d, lc, file)).slice(0, 1);
  if (problems.length > 0) throw new ConfigError(problems, { hint: syntaxHint(problems) });
  return docs.filter((d) => d.contents !== null).map((d) => docToLocated(d, lc, file));
}
