// Find: the search conditions of GET /<resource>, applied to rendered (wire-shaped) items.
//  - {"Name": "a%20b"}: a string is a partial match of every %20-separated word (AND);
//  - {"Name": ["a", "b"]}: an array is an exact match of any element (OR);
//  - {"Tags.Name": [["a", "b"]]}: an array of arrays matches when all tags of one inner array are present;
//  - {"CPU": 2}, {"ConfidentialVM": 0}: numbers match exactly; booleans are sent as 0/1;
//  - {"CreatedAt<": "..."}: a key may end with >, >=, < or <=;
//  - Sort ["-Generation"], From, Count (0 = no limit), Include/Exclude of top-level fields.
import { badRequest } from "./api-error";

type Json = Record<string, unknown>;

/** DEFAULT_COUNT caps a Find that sends no Count (the real per-resource cap is undocumented). */
export const DEFAULT_COUNT = 50;

export interface FindResult {
  From: number;
  Count: number;
  Total: number;
  items: Json[];
}

function valueAt(item: Json, path: string): unknown {
  let v: unknown = item;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Json)[part];
  }
  return v;
}

function same(actual: unknown, wanted: unknown): boolean {
  if (typeof actual === "boolean" && typeof wanted === "number") return Number(actual) === wanted;
  if (typeof wanted === "string" || typeof actual === "string") return scalar(actual) === scalar(wanted);
  return actual === wanted;
}

function words(value: string): string[] {
  return value
    .split("%20")
    .map((w) => {
      try {
        return decodeURIComponent(w);
      } catch {
        return w;
      }
    })
    .filter((w) => w !== "");
}

function tagsMatch(tags: string[], wanted: unknown): boolean {
  if (typeof wanted === "string") return tags.includes(wanted);
  if (!Array.isArray(wanted)) throw badRequest(`Tags.Name: ${JSON.stringify(wanted)}`);
  return wanted.some((w) => (Array.isArray(w) ? w.every((t) => tags.includes(String(t))) : tags.includes(String(w))));
}

/** scalar shows a value as text for comparisons; objects have no text form and match nothing. */
function scalar(v: unknown): string {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : "";
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return scalar(a).localeCompare(scalar(b));
}

function matches(item: Json, key: string, wanted: unknown): boolean {
  const op = /(>=|<=|>|<)$/.exec(key)?.[1];
  const path = op ? key.slice(0, -op.length) : key;
  if (path === "Tags.Name") return tagsMatch((item.Tags as string[] | undefined) ?? [], wanted);
  const actual = valueAt(item, path);
  if (op) {
    const c = compare(actual, wanted);
    return op === ">" ? c > 0 : op === ">=" ? c >= 0 : op === "<" ? c < 0 : c <= 0;
  }
  if (Array.isArray(wanted)) return wanted.some((w) => same(actual, w));
  if (typeof wanted === "string") {
    const text = scalar(actual).toLowerCase();
    return words(wanted).every((w) => text.includes(w.toLowerCase()));
  }
  return same(actual, wanted);
}

function pick(item: Json, include: unknown, exclude: unknown): Json {
  let out = item;
  if (Array.isArray(include) && include.length > 0) out = Object.fromEntries(Object.entries(out).filter(([k]) => include.includes(k) || k === "Index"));
  if (Array.isArray(exclude) && exclude.length > 0) out = Object.fromEntries(Object.entries(out).filter(([k]) => !exclude.includes(k)));
  return out;
}

/** find applies a Find request to items and pages the result. */
export function find(items: Json[], query: unknown): FindResult {
  const q = (query ?? {}) as Json;
  if (typeof q !== "object" || Array.isArray(q)) throw badRequest("検索条件が不正です。");
  const filter = (q.Filter ?? {}) as Json;
  let found = items.filter((item) => Object.entries(filter).every(([k, v]) => matches(item, k, v)));
  if (Array.isArray(q.Sort)) {
    const keys = (q.Sort as string[]).map((s) => (s.startsWith("-") ? { path: s.slice(1), dir: -1 } : { path: s, dir: 1 }));
    found = [...found].sort((a, b) => {
      for (const k of keys) {
        const c = compare(valueAt(a, k.path), valueAt(b, k.path)) * k.dir;
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  const from = typeof q.From === "number" ? q.From : 0;
  const count = typeof q.Count === "number" ? q.Count : DEFAULT_COUNT;
  const page = found.slice(from, count === 0 ? undefined : from + count);
  return { From: from, Count: page.length, Total: found.length, items: page.map((item, i) => ({ Index: from + i, ...pick(item, q.Include, q.Exclude) })) };
}
