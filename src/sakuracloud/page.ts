// List answers: {"From":0,"Count":2,"Total":2,"Servers":[...]} into Page<T>.
import { CloudApiError } from "../core/errors";
import type { Page } from "./types";
import type { WireList } from "./wire";

/** convertPage reads a Find answer's counters and converts its items. */
export function convertPage<W, T>(answer: WireList | null | undefined, plural: string, what: string, convert: (w: W) => T): Page<T> {
  const hint = "check that SAKURA_API_ROOT_URL points to the SakuraCloud API";
  // a missing list is not an empty one: read as empty, destroy would skip what exists
  const items = answer !== null && typeof answer === "object" ? answer[plural] : undefined;
  if (items === undefined) throw new CloudApiError(`${what}: the answer has no "${plural}"`, { hint });
  if (items !== null && !Array.isArray(items)) throw new CloudApiError(`${what}: "${plural}" in the answer is not a list`, { hint });
  const list = (items ?? []) as W[];
  if (list.some((item) => item === null || typeof item !== "object" || Array.isArray(item))) {
    throw new CloudApiError(`${what}: an item of "${plural}" in the answer is not an object`, { hint });
  }
  const { Total, From } = answer as WireList; // an object: it held the list
  const converted = list.map((item) => {
    try {
      return convert(item);
    } catch (e) {
      // name the call: "list switches: the SakuraCloud API sent a Name that is not text"
      if (e instanceof CloudApiError) throw new CloudApiError(`${what}: ${e.message}`, { cause: e, hint: e.hint });
      throw e;
    }
  });
  return { total: Total ?? list.length, from: From ?? 0, items: converted };
}
