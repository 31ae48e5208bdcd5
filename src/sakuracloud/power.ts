// Booting and stopping servers the way the Go clients' helper/power does, because the API
// drops power requests now and then:
//  1. send the request; while it answers 409 still_creating (a disk is still being
//     copied), send it again every resendMs, for up to firstRequestTimeoutMs;
//  2. poll until the server is up (or down);
//  3. while it still shows the old state, send the request again every resendMs; a 409
//     to such a re-send means the API has taken one already, so stop re-sending.
// Unlike the Go helper, a server already in the target state is success, not a 409 error.
import { isApiError } from "./errors";
import type { SakuraApi, Server } from "./types";
import { type WaitTiming, serverIs, waitOptions } from "./waiters";
import { waitFor } from "../wait";

/** PowerTiming adds the power helper's spans to WaitTiming. */
export interface PowerTiming extends WaitTiming {
  /** 20 s, as BootRetrySpan, ShutdownRetrySpan and InitialRequestRetrySpan. */
  resendMs?: number;
  /** 30 min, as InitialRequestTimeout. */
  firstRequestTimeoutMs?: number;
}

export const DEFAULT_RESEND_MS = 20_000;
export const DEFAULT_FIRST_REQUEST_TIMEOUT_MS = 30 * 60_000;

type PowerApi = Pick<SakuraApi, "servers">;

async function firstRequest(send: () => Promise<void>, t: PowerTiming): Promise<"sent" | "refused"> {
  const deadline = t.clock.now() + (t.firstRequestTimeoutMs ?? DEFAULT_FIRST_REQUEST_TIMEOUT_MS);
  for (;;) {
    try {
      await send();
      return "sent";
    } catch (e) {
      if (isApiError(e, 409, "still_creating") && t.clock.now() < deadline) {
        await t.clock.sleep(t.resendMs ?? DEFAULT_RESEND_MS, t.signal);
        continue;
      }
      // Any other 409 (typically: already in that state) is judged by the wait below.
      if (isApiError(e, 409) && !isApiError(e, 409, "still_creating")) return "refused";
      throw e;
    }
  }
}

async function powerAndWait(api: PowerApi, id: string, target: "up" | "down", send: () => Promise<void>, t: PowerTiming): Promise<Server> {
  const resendMs = t.resendMs ?? DEFAULT_RESEND_MS;
  const oldState = target === "up" ? "down" : "up";
  let taken = (await firstRequest(send, t)) === "refused";
  let sentAt = t.clock.now();
  const reached = serverIs(api, id, target);
  return waitFor(async () => {
    const poll = await reached();
    if (poll.state === "retry" && poll.seen === oldState && !taken && t.clock.now() - sentAt >= resendMs) {
      sentAt = t.clock.now();
      try {
        await send();
      } catch (e) {
        if (!isApiError(e, 409)) throw e;
        taken = true;
      }
    }
    return poll;
  }, waitOptions(`server ${id} to be ${target}`, t));
}

/** bootServer powers a server on and waits until it is up. */
export function bootServer(api: PowerApi, id: string, t: PowerTiming): Promise<Server> {
  return powerAndWait(api, id, "up", () => api.servers.powerOn(id), t);
}

/** stopServer shuts a server down (or forces it off) and waits until it is down. */
export function stopServer(api: PowerApi, id: string, options: { force?: boolean }, t: PowerTiming): Promise<Server> {
  return powerAndWait(api, id, "down", () => api.servers.shutdown(id, options), t);
}
