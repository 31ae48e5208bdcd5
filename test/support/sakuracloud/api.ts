// Calling the SakuraCloud test server as the control panel would, and waiting on what it
// reports: for tests that drive servers, power and packet filters without pxectl.
/* eslint-disable @typescript-eslint/no-explicit-any -- raw wire JSON */
import type { SakuraTestServer } from "./index";

/** callApi sends one API request to the zone is1a with the server's key, and returns status and JSON. */
export async function callApi(server: SakuraTestServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const auth = Buffer.from(`${server.credentials.accessToken}:${server.credentials.accessTokenSecret}`).toString("base64");
  const res = await fetch(`${server.rootUrl}/is1a/api/cloud/1.1/${path}`, {
    method,
    headers: { Authorization: `Basic ${auth}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** until polls probe until it answers something other than undefined or false, or throws after timeoutMs. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000, everyMs = 250): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, everyMs))) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}
