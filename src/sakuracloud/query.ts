// Search conditions as the API takes them: a JSON document after "?" in the URL.
// Name words are joined with a literal %20 (AND, partial match), and tag sets are an
// array inside an array (all of them), as the Go clients write them.
import type { ListQuery } from "./types";

/** FindRequest is the JSON the API expects for GET /<resource>. */
export interface FindRequest {
  Count: number;
  From: number;
  Sort?: string[];
  Filter?: Record<string, unknown>;
}

// Go's url.PathEscape leaves these sub-delimiters alone; encodeURIComponent escapes them.
const PATH_SAFE = /%(24|26|2B|2C|3A|3B|3D|40)/gi;

/**
 * escapeFilterValue escapes a string value as url.PathEscape does, which is how the Go
 * clients write it: a space becomes %20 (the API does not take "+" for a space) while
 * the ":" of a MAC address or the "=" of a tag stays as it is.
 */
export function escapeFilterValue(value: string): string {
  return encodeURIComponent(value)
    .replace(PATH_SAFE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** toFindRequest turns a ListQuery into the API's JSON; Count and From are always sent, 0 meaning "no paging". */
export function toFindRequest(q: ListQuery = {}): FindRequest {
  const filter: Record<string, unknown> = { ...q.filter };
  if (q.name !== undefined) filter.Name = q.name.trim().split(/\s+/).map(escapeFilterValue).join("%20");
  if (q.tags && q.tags.length > 0) filter["Tags.Name"] = [[...q.tags]];
  const find: FindRequest = { Count: q.count ?? 0, From: q.from ?? 0 };
  if (q.sort && q.sort.length > 0) find.Sort = [...q.sort];
  if (Object.keys(filter).length > 0) find.Filter = filter;
  return find;
}

/** findQueryString is "?" plus the percent-encoded JSON, so any HTTP stack sends the same bytes. */
export function findQueryString(find: FindRequest): string {
  return `?${encodeURIComponent(JSON.stringify(find))}`;
}
