// Ignition JSON written the way Butane writes it: keys in the Go structs' order
// (alphabetical, except that files, directories and links start with their embedded
// Node fields), empty objects and lists omitted, and <, >, & escaped as Go's encoder does.
// The same config therefore always becomes the same bytes, which keeps diffs quiet.

const NODE_FIELDS = ["group", "overwrite", "path", "user"];

function orderedKeys(obj: Record<string, unknown>, isNode: boolean): string[] {
  const keys = Object.keys(obj).sort();
  if (!isNode) return keys;
  return [...NODE_FIELDS.filter((k) => k in obj), ...keys.filter((k) => !NODE_FIELDS.includes(k))];
}

function isEmpty(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === "object" && v !== null && Object.keys(v).every((k) => isEmpty((v as Record<string, unknown>)[k]));
}

/** canonicalIgnition returns a copy with Butane's key order and without empty values. */
export function canonicalIgnition(value: unknown, path: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalIgnition(v, [...path, "[]"]));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const parent = path[path.length - 2];
  const isNode = path[path.length - 1] === "[]" && (parent === "files" || parent === "directories" || parent === "links") && path[path.length - 3] === "storage";
  const out: Record<string, unknown> = {};
  for (const key of orderedKeys(obj, isNode)) {
    const v = obj[key];
    // Go's omitempty drops empty objects and lists, but a null or "" the user set is kept
    if (v === undefined || (typeof v === "object" && v !== null && isEmpty(v))) continue;
    out[key] = canonicalIgnition(v, [...path, key]);
  }
  return out;
}

/** stringifyIgnition serialises like Go's encoding/json: compact, or indented by two spaces. */
export function stringifyIgnition(value: unknown, { pretty = false } = {}): string {
  const text = JSON.stringify(canonicalIgnition(value), null, pretty ? 2 : undefined);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
