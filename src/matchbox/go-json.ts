// JSON as Go's encoding/json writes it, where matchbox's bytes matter: strings escape
// <, > and & (HTML-safe) and U+2028/U+2029; maps are written with sorted keys.

/** goString encodes a string like json.Marshal. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

function byteOrder(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** goMarshalIndent is json.MarshalIndent(v, "", indent) of plain JSON data (objects as Go maps: keys sorted). */
export function goMarshalIndent(value: unknown, indent = "\t", depth = 0): string {
  const pad = (d: number) => "\n" + indent.repeat(d);
  if (typeof value === "string") return goString(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${value.map((v) => pad(depth + 1) + goMarshalIndent(v, indent, depth + 1)).join(",")}${pad(depth)}]`;
  }
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort(byteOrder);
    if (keys.length === 0) return "{}";
    const body = keys.map((k) => `${pad(depth + 1)}${goString(k)}: ${goMarshalIndent((value as Record<string, unknown>)[k], indent, depth + 1)}`);
    return `{${body.join(",")}${pad(depth)}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** goMarshal is json.Marshal of plain JSON data: compact, map keys sorted. */
export function goMarshal(value: unknown): string {
  if (typeof value === "string") return goString(value);
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value).sort(byteOrder);
    return `{${keys.map((k) => `${goString(k)}:${goMarshal((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
