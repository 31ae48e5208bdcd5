// "A create whose answer is lost is never sent again blindly": the resource may exist, or
// still be in the making if the request timed out. After a backoff wait (which gives such
// a request time to land), look it up by name, tags and the request ID in its
// description; send again only when it is not there.
import type { Clock } from "../core/clock";
import { type Backoff, RetriesExhaustedError, retry } from "../retry";
import { UncertainRequestError } from "./errors";

export interface CreateOnceOptions<T> {
  what: string;
  send: () => Promise<T>;
  /** Finds what this very create made, or undefined. */
  lookup: () => Promise<T | undefined>;
  clock: Clock;
  backoff?: Backoff;
  signal?: AbortSignal;
  /** Sends in all (3); each one whose answer is lost is followed by a wait and a lookup. */
  maxSends?: number;
  log?: (line: string) => void;
}

/** createOnce sends a create, and after a lost answer finds its result instead of creating twice. */
export async function createOnce<T>(o: CreateOnceOptions<T>): Promise<T> {
  let answerLost = false;
  try {
    return await retry(
      async () => {
        if (answerLost) {
          const found = await o.lookup();
          if (found !== undefined) return found;
          // Not there: the request never took effect, so sending it again makes one, not two.
        }
        try {
          return await o.send();
        } catch (e) {
          if (e instanceof UncertainRequestError) {
            answerLost = true;
            o.log?.(`${o.what}: the answer was lost; looking it up before sending again`);
          }
          throw e;
        }
      },
      { classify: (e) => (e instanceof UncertainRequestError ? "transient" : "fatal"), clock: o.clock, backoff: o.backoff, signal: o.signal, maxAttempts: o.maxSends ?? 3 },
    );
  } catch (e) {
    throw e instanceof RetriesExhaustedError ? e.lastError : e;
  }
}
