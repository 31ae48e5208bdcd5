// What the reliability suites check about a finished run: a project folder's snapshot
// (to prove a failed run wrote nothing), and the one-line error promise.
import { createHash } from "node:crypto";
import { lstatSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Snapshot maps each path below a folder to its type, mode and content hash. */
export type Snapshot = Map<string, string>;

/** RUN_LOGS is what a failed run may still write: its own run log. */
export const RUN_LOGS = /^\.pxectl\/logs(\/|$)/;

/** snapshot records every file and folder below dir, except paths matching skip. */
export function snapshot(dir: string, skip: RegExp = RUN_LOGS): Snapshot {
  const out: Snapshot = new Map();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if (skip.test(path)) continue;
      const st = lstatSync(join(dir, path));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        out.set(path, `dir ${mode}`);
        walk(path);
      } else if (st.isSymbolicLink()) {
        out.set(path, "link");
      } else {
        out.set(path, `file ${mode} ${createHash("sha256").update(readFileSync(join(dir, path))).digest("hex").slice(0, 16)}`);
      }
    }
  };
  walk("");
  return out;
}

/** changedPaths lists what was added, removed or changed between two snapshots. */
export function changedPaths(before: Snapshot, after: Snapshot): string[] {
  const changed: string[] = [];
  for (const [path, v] of after) if (before.get(path) !== v) changed.push(before.has(path) ? `changed ${path}` : `added ${path}`);
  for (const path of before.keys()) if (!after.has(path)) changed.push(`removed ${path}`);
  return changed.sort();
}

/** STACK_TRACE matches a stack frame or an internal error's "TypeError: ..." prefix. */
export const STACK_TRACE = /^\s+at |\b[A-Z][A-Za-z]*Error: |\n\s+at /m;

/** oneLineErrorProblems says how stderr breaks the promise "error: ... (+ hint: ...)", or [] when it keeps it. */
export function oneLineErrorProblems(stderr: string): string[] {
  const problems: string[] = [];
  const lines = stderr.replace(/\n$/, "").split("\n");
  if (!lines[0]?.startsWith("error: ")) problems.push(`the first line is not "error: ...": ${JSON.stringify(lines[0] ?? "")}`);
  if (lines.length > 2) problems.push(`${lines.length} lines`);
  if (lines.length === 2 && !lines[1]!.startsWith("hint: ")) problems.push(`the second line is not "hint: ...": ${JSON.stringify(lines[1])}`);
  if (!stderr.endsWith("\n")) problems.push("no final newline");
  return problems;
}
