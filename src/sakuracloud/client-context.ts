// What every resource module shares: the HTTP caller, the zone, the environment, and the
// list/lookup helpers built on them.
import type { Clock } from "../core/clock";
import type { Backoff } from "../retry";
import { type CreateOnceOptions, createOnce } from "./create-once";
import { convertPage } from "./page";
import type { SakuraHttp, SecretSink } from "./http";
import { toFindRequest } from "./query";
import { hasRequestId } from "./tags";
import type { ListQuery, Page } from "./types";
import type { WireList } from "./wire";
import type { Zone } from "./zones";

/** ClientContext is passed to each resource module. */
export interface ClientContext {
  http: SakuraHttp;
  zone: Zone;
  env: string;
  /** A fresh ID for one create, written into its description. */
  requestId: () => string;
  secrets?: SecretSink;
  log?: (line: string) => void;
  clock: Clock;
  backoff?: Backoff;
  signal?: AbortSignal;
}

/** createWith runs createOnce with the context's clock, backoff, signal and log. */
export function createWith<T>(ctx: ClientContext, o: Pick<CreateOnceOptions<T>, "what" | "send" | "lookup">): Promise<T> {
  return createOnce({ ...o, clock: ctx.clock, backoff: ctx.backoff, signal: ctx.signal, log: ctx.log });
}

/** listOf sends a Find and converts the items under the plural key. */
export async function listOf<W, T>(
  ctx: ClientContext,
  r: { zone?: Zone; path: string; plural: string; what: string; convert: (w: W) => T },
  query?: ListQuery,
): Promise<Page<T>> {
  const zone = r.zone ?? ctx.zone;
  const answer = await ctx.http.call<WireList>({ method: "GET", zone, path: r.path, what: r.what, query: toFindRequest(query) });
  return convertPage(answer, r.plural, r.what, r.convert);
}

/** findCreated returns the item a create with requestId made, among those named exactly name. */
export function findCreated<T extends { name: string; description: string }>(page: Page<T>, name: string, requestId: string): T | undefined {
  return page.items.find((item) => item.name === name && hasRequestId(item.description, requestId));
}
