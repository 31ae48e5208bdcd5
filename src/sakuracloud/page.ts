// List answers: {"From":0,"Count":2,"Total":2,"Servers":[...]} into Page<T>.
import { CloudApiError } from "../core/errors";
import type { Page } from "./types";
import type { WireList } from "./wire";

/** convertPage reads a Find answer's counters and converts its items. */
export function convertPage<W, T>(answer: WireList, plural: string, what: string, convert: (w: W) => T): Page<T> {
  const items = answer[plural];
  if (items !== null && items !== undefined && !Array.isArray(items)) {
    throw new CloudApiError(`${what}: "${plural}" in the answer is not a list`, { hint: "check that SAKURA_API_ROOT_URL points to the SakuraCloud API" });
  }
  const list = (items ?? []) as W[];
  return { total: answer.Total ?? list.length, from: answer.From ?? 0, items: list.map(convert) };
}
