// Tables for human output: aligned columns that measure East Asian wide characters
// (SakuraCloud names are often Japanese) and ignore colour codes.
import stringWidth from "string-width";

/** Column names a field of each row and its header. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  align?: "left" | "right";
}

function pad(s: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - stringWidth(s)));
  return align === "right" ? fill + s : s + fill;
}

/** renderTable lays rows out under bold headers; an empty table says so. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], bold: (s: string) => string = (s) => s, empty = "(none)"): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(stringWidth(c.header), ...cells.map((row) => stringWidth(row[i] ?? ""))));
  const line = (values: string[], style: (s: string) => string = (s) => s) =>
    values.map((v, i) => style(pad(v, widths[i] ?? 0, columns[i]?.align ?? "left"))).join("  ").trimEnd();
  return [line(columns.map((c) => c.header), bold), ...cells.map((row) => line(row))].join("\n");
}

/** renderFields lays out key/value pairs, one per line, keys aligned. */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>, dim: (s: string) => string = (s) => s): string {
  const width = Math.max(0, ...fields.map(([k]) => stringWidth(k)));
  return fields.map(([k, v]) => `${dim(pad(k + ":", width + 1, "left"))} ${v}`).join("\n");
}
