// The SakuraCloud test server's own command (dist/sakuracloud-test-server.cjs, npm run
// sakuracloud-test-server): it prints what to export, answers the API, and the pid a user has
// is the server's, so SIGTERM and Ctrl-C (SIGINT) stop it, even with a client still connected.
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const COMMAND = fileURLToPath(new URL("../../dist/sakuracloud-test-server.cjs", import.meta.url));

async function start(): Promise<{ child: ChildProcess; exports: Record<string, string>; exited: Promise<number | null> }> {
  const child = spawn(COMMAND, ["--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("SAKURA_ACCESS_TOKEN_SECRET=")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before listening`)));
  });
  const exports = Object.fromEntries([...out.matchAll(/^export (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { child, exports, exited };
}

/** zones asks the API for its zones, keeping the connection open afterwards. */
function zones(e: Record<string, string>): Promise<number> {
  const url = new URL(`${e.SAKURA_API_ROOT_URL}/is1a/api/cloud/1.1/zone`);
  const auth = Buffer.from(`${e.SAKURA_ACCESS_TOKEN}:${e.SAKURA_ACCESS_TOKEN_SECRET}`).toString("base64");
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Basic ${auth}`, connection: "keep-alive" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("dist/sakuracloud-test-server.cjs", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`serves the API and stops on ${signal} to its pid`, async () => {
      const { child, exports, exited } = await start();
      try {
        expect(Object.keys(exports)).toEqual(["SAKURA_API_ROOT_URL", "SAKURA_ACCESS_TOKEN", "SAKURA_ACCESS_TOKEN_SECRET"]);
        expect(await zones(exports)).toBe(200);
        child.kill(signal);
        expect(await exited).toBe(0);
      } finally {
        child.kill("SIGKILL");
      }
    });
  }
});
