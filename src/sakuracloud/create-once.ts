// "A create whose answer is lost is never sent again blindly": the resource may exist.
// Look it up first (by name, tags and the request ID in its description); send again
// only when it is not there, so it was never made.
import { UncertainRequestError } from "./errors";

export interface CreateOnceOptions<T> {
  send: () => Promise<T>;
  /** Finds what this very create made, or undefined. */
  lookup: () => Promise<T | undefined>;
  /** Sends in all (3); each one whose answer is lost is followed by a lookup. */
  maxSends?: number;
  log?: (line: string) => void;
  what: string;
}

/** createOnce sends a create, and after a lost answer finds its result instead of creating twice. */
export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<T> {
  const maxSends = o.maxSends ?? 3;
  for (let sends = 1; ; sends++) {
    try {
      return await o.send();
    } catch (e) {
      if (!(e instanceof UncertainRequestError) || sends >= maxSends) throw e;
      o.log?.(`${o.what}: the answer was lost; looking it up before sending again`);
      const found = await o.lookup();
      if (found !== undefined) return found;
      // Not there: the request never took effect, so sending it again makes one, not two.
    }
  }
}
