// What every resource handler shares: the request as handlers see it, reply envelopes,
// and reading values from request bodies the way the API accepts them.
import { badRequest, notFound } from "../api-error";
import type { Kind, RecordOf, TaggedBase } from "../records";
import { find } from "../search";
import type { Machines } from "../machines";
import type { Store } from "../store";
import type { Timeline } from "../timeline";

type Json = Record<string, unknown>;

/** Ticks is how many ticks each asynchronous change takes. */
export interface Ticks {
  diskCopy: number;
  powerOn: number;
  powerOff: number;
}

/** World is the state handlers act on. */
export interface World {
  store: Store;
  timeline: Timeline;
  ticks: Ticks;
  /** Real machines behind the resources, in the machine-backed mode. */
  machines?: Machines;
}

/** ApiRequest is a parsed request below <root>/<zone>/api/cloud/1.1/. */
export interface ApiRequest {
  method: string;
  zone: string;
  path: string;
  params: Record<string, string>;
  query: unknown;
  body: Json | undefined;
}

export interface Reply {
  status: number;
  body: Json;
}

export type Handler = (w: World, r: ApiRequest) => Reply | Promise<Reply>;

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Segments below api/cloud/1.1; ":name" matches one segment. */
  pattern: string;
  handler: Handler;
}

/** done is the answer of an action without payload. */
export const done = (): Reply => ({ status: 200, body: { Success: true, is_ok: true } });

/** single wraps one resource: {"Server": {...}, "Success": true, "is_ok": true}. */
export function single(key: string, view: Json, status = 200, success: boolean | "Accepted" = true): Reply {
  return { status, body: { [key]: view, Success: success, is_ok: true } };
}

/** listed answers a Find: {"From", "Count", "Total", "<Plural>": [...]}. */
export function listed(plural: string, views: Json[], query: unknown, now: string): Reply {
  const r = find(views, query);
  return { status: 200, body: { From: r.From, Count: r.Count, Total: r.Total, [plural]: r.items, ResponsedAt: now, is_ok: true } };
}

/** wrapped returns body[key] as an object, or a 400 naming the missing envelope. */
export function wrapped(r: ApiRequest, key: string): Json {
  const v = r.body?.[key];
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw badRequest(`${key}が指定されていません。`);
  return v as Json;
}

/** idIn reads an ID sent as a string or a number (older clients send strings, newer numbers). */
export function idIn(v: unknown, field: string): string {
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  if (typeof v === "string" && /^[0-9]+$/.test(v)) return v;
  throw badRequest(`${field}: IDが不正です。`);
}

/** refId reads {"ID": ...} or returns undefined for an absent or null reference. */
export function refId(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw badRequest(`${field}: 参照が不正です。`);
  return idIn((v as Json).ID, `${field}.ID`);
}

export function text(v: unknown, field: string, { required = false, max = 512 } = {}): string {
  if (v === undefined || v === null) {
    if (required) throw badRequest(`${field}は必須です。`);
    return "";
  }
  if (typeof v !== "string" || v.length > max) throw badRequest(`${field}: 文字列(${max}文字以内)を指定してください。`);
  return v;
}

/** tagsIn reads Tags; limits on their number and length are not documented, so none are applied. */
export function tagsIn(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string" || t.length === 0)) throw badRequest("Tags: 文字列の配列を指定してください。");
  return [...new Set(v as string[])];
}

/** newTagged reads Name, Description and Tags of a create and gives the new resource its ID and times. */
export function newTagged(w: World, r: ApiRequest, body: Json): TaggedBase {
  const now = w.store.timestamp();
  return {
    id: w.store.newId(),
    zone: r.zone,
    name: text(body.Name, "Name", { required: true, max: 64 }),
    description: text(body.Description, "Description"),
    tags: tagsIn(body.Tags),
    createdAt: now,
    modifiedAt: now,
  };
}

/** updateTagged applies the Name, Description and Tags of an update (PUT) to a record. */
export function updateTagged(w: World, record: TaggedBase, body: Json): void {
  if (body.Name !== undefined) record.name = text(body.Name, "Name", { required: true, max: 64 });
  if (body.Description !== undefined) record.description = text(body.Description, "Description");
  if (body.Tags !== undefined) record.tags = tagsIn(body.Tags);
  record.modifiedAt = w.store.timestamp();
}

/** found returns the record or throws the API's 404. */
export function found<K extends Kind>(w: World, kind: K, zone: string, id: string | undefined): RecordOf<K> {
  const r = id === undefined ? undefined : w.store.get(kind, zone, id);
  if (!r) throw notFound();
  return r;
}
