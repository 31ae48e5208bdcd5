// Problems found in a config, located by the path the user wrote (YAML keys), turned into
// the ConfigProblems every pxectl error uses.
import type { ConfigProblem } from "../core/errors";
import { formatPath } from "../config/validate";
import type { Located, PathSegment } from "../config/yaml";

/** PathProblem is a problem at a path of the source document. */
export interface PathProblem {
  path: readonly PathSegment[];
  /** "key" points at the key itself (unknown keys), "value" at its value. */
  which: "key" | "value";
  message: string;
}

/** SourceDoc is a parsed config and how its lines map into the file the user edits. */
export interface SourceDoc {
  doc: Located;
  /** Lines before the config in its file (a config inlined in a profile file). */
  lineOffset: number;
  /** Columns before each line of the config (the indentation of an inline block). */
  columnOffset: number;
}

/** locateProblems turns path problems into located ConfigProblems. */
export function locateProblems(source: SourceDoc, problems: readonly PathProblem[]): ConfigProblem[] {
  return problems.map((p) => {
    const at = source.doc.locate(p.path, p.which);
    const path = formatPath(p.path);
    return {
      file: source.doc.file,
      line: at ? at.line + source.lineOffset : undefined,
      column: at ? at.column + source.columnOffset : undefined,
      path: path || undefined,
      message: p.message,
    };
  });
}
