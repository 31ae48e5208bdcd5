// The cloud lab (pxectl lab up --host vm): SakuraCloud replayed on this machine. It starts
// the machine-backed SakuraCloud test server (dist/sakuracloud-test-server.cjs, shipped next
// to pxectl) as a background program: its servers are QEMU VMs in a network namespace of
// its own, its Debian 12 archive the lab's host image. The user then runs pxectl init,
// node add --create, watch and destroy against it exactly as against SakuraCloud. The
// program is recorded by pid and start time in .pxectl/cloud-lab.json; lab down stops it,
// and it removes its VMs, namespace and files as it exits.
import { access, constants, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Clock } from "../core/clock";
import { LabError } from "../core/errors";
import { type LabProcess, isRunning, startDetached, stopProcess } from "./processes";

/** CloudLabRecord is what the server announced when it was ready, and how to stop it. */
export interface CloudLabRecord {
  process: LabProcess;
  rootUrl: string;
  namespace: string;
  operatorAddress: string;
  uplinkAddress: string;
  workDir: string;
  timings: { labOsMs: number; hostImageMs: number; hostImageBuilt: boolean };
}

export const SERVER_SCRIPT = "sakuracloud-test-server.cjs";
/** The test server's fixed API key: not a secret, it opens nothing but the local test server. */
const TEST_KEY = { token: "pxectl-test-token", secret: "pxectl-test-secret" };

export function cloudLabPaths(stateDir: string) {
  return { record: join(stateDir, "cloud-lab.json"), ready: join(stateDir, "cloud-lab.ready"), log: join(stateDir, "cloud-lab.log"), env: join(stateDir, "cloud-lab.env") };
}

/** findServerScript finds the bundled machine-backed server: given, or next to the running pxectl. */
export async function findServerScript(given: string | undefined, self: readonly string[]): Promise<string> {
  const candidates = given ? [given] : [join(dirname(self[self.length - 1]!), SERVER_SCRIPT)];
  for (const c of candidates) if (await access(c, constants.R_OK).then(() => true, () => false)) return c;
  throw new LabError(`the machine-backed SakuraCloud test server is not at ${candidates.join(", ")}`, {
    hint: `pass --cloud-server FILE: dist/${SERVER_SCRIPT}, made by npm run build beside pxectl`,
  });
}

/** cloudLabEnv is what a shell exports to point pxectl at the lab's API. */
export function cloudLabEnv(r: Pick<CloudLabRecord, "rootUrl">): Record<string, string> {
  return { SAKURA_API_ROOT_URL: r.rootUrl, SAKURA_ACCESS_TOKEN: TEST_KEY.token, SAKURA_ACCESS_TOKEN_SECRET: TEST_KEY.secret };
}

/** readCloudLab reads the record of a running cloud lab (undefined when none is recorded). */
export async function readCloudLab(stateDir: string): Promise<CloudLabRecord | undefined> {
  const text = await readFile(cloudLabPaths(stateDir).record, "utf8").catch(() => undefined);
  return text ? (JSON.parse(text) as CloudLabRecord) : undefined;
}

/** startCloudLabServer starts the server and waits until it says it is ready (the host image is built first: minutes the first time). */
export async function startCloudLabServer(o: { stateDir: string; node: string; script: string; cacheDir: string; clock: Clock; progress: (t: string) => void; timeoutMs?: number }): Promise<CloudLabRecord> {
  const paths = cloudLabPaths(o.stateDir);
  const earlier = await readCloudLab(o.stateDir);
  if (earlier && (await isRunning(earlier.process))) {
    throw new LabError(`a cloud lab is already up (pid ${earlier.process.pid}, API ${earlier.rootUrl})`, { hint: "use it, or run pxectl destroy and pxectl lab down first" });
  }
  await rm(paths.ready, { force: true });
  const process = await startDetached(o.node, [o.script, "--machines", "--cache-dir", o.cacheDir, "--ready-file", paths.ready], paths.log);
  const deadline = o.clock.now() + (o.timeoutMs ?? 20 * 60_000);
  let lastLine = "";
  while (o.clock.now() < deadline) {
    const ready = await readFile(paths.ready, "utf8").catch(() => "");
    if (ready) {
      const announced = JSON.parse(ready) as Omit<CloudLabRecord, "process">;
      const record: CloudLabRecord = { process, rootUrl: announced.rootUrl, namespace: announced.namespace, operatorAddress: announced.operatorAddress, uplinkAddress: announced.uplinkAddress, workDir: announced.workDir, timings: announced.timings };
      await writeFile(paths.record, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      await writeFile(paths.env, Object.entries(cloudLabEnv(record)).map(([k, v]) => `export ${k}=${v}\n`).join(""), { mode: 0o600 });
      return record;
    }
    const log = (await readFile(paths.log, "utf8").catch(() => "")).trim().split("\n");
    if (!(await isRunning(process))) {
      throw new LabError(`the machine-backed SakuraCloud test server exited: ${log.slice(-3).join(" | ")}`, { hint: `see ${paths.log}` });
    }
    const line = log.filter((l) => /host image|lab OS/.test(l)).pop() ?? "";
    if (line !== lastLine) o.progress(line.replace(/^\S+ /, ""));
    lastLine = line;
    await o.clock.sleep(500);
  }
  await stopProcess(process);
  throw new LabError(`the machine-backed SakuraCloud test server was not ready in ${(o.timeoutMs ?? 20 * 60_000) / 60_000} minutes`, { hint: `see ${paths.log}` });
}

/** stopCloudLabServer stops the server, which removes its VMs, namespace and files; false when none was up. */
export async function stopCloudLabServer(stateDir: string): Promise<CloudLabRecord | undefined> {
  const paths = cloudLabPaths(stateDir);
  const record = await readCloudLab(stateDir);
  if (!record) return undefined;
  // SIGTERM: the server kills its VMs and deletes its namespace before exiting
  await stopProcess(record.process, 60_000);
  for (const file of [paths.record, paths.ready, paths.env]) await rm(file, { force: true });
  return record;
}
