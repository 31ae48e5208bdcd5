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
  return canonical(value, path.at(-3), path.at(-2), path.at(-1));
}

// the last three keys of the path are all that decide a Node's order (storage.files[]):
// passed along instead of a copied path, as every config of a thousand nodes goes through here
function canonical(value: unknown, grandparent: string | undefined, parent: string | undefined, key: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, parent, key, "[]"));
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const isNode = key === "[]" && (parent === "files" || parent === "directories" || parent === "links") && grandparent === "storage";
  const out: Record<string, unknown> = {};
  for (const k of orderedKeys(obj, isNode)) {
    const v = obj[k];
    // Go's omitempty drops empty objects and lists, but a null or "" the user set is kept
    if (v === undefined || (typeof v === "object" && v !== null && isEmpty(v))) continue;
    out[k] = canonical(v, parent, key, k);
  }
  return out;
}

/** stringifyIgnition serialises like Go's encoding/json: compact, or indented by two spaces. */
export function stringifyIgnition(value: unknown, { pretty = false } = {}): string {
  const text = JSON.stringify(canonicalIgnition(value), null, pretty ? 2 : undefined);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}
