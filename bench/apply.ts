// bench/apply: N nodes declared in a profile directory (one group per MAC, one profile whose
// config reads {{node.name}}, so N profiles, N groups and N Ignition configs) applied over
// mutual TLS to a matchbox server, then re-applied unchanged; at 1,000 and 10,000 nodes,
// against the real matchbox v0.11.0 (PXECTL_TEST_MATCHBOX, else ../shared/matchbox/matchbox)
// and the project's matchbox test server, each a child process.
// The engine runs in-process as `pxectl profile apply` runs it, the compiled-config cache
// included, for the timings; then `pxectl profile apply` itself (dist/pxectl.cjs, a child
// process) applies the same directory to an emptied server, for its peak RSS.
// Per run: both walls, the re-apply's writes (counted by the client and checked on the
// server's disk), and a same-run baseline: the same objects put directly, under new names so
// the server creates as many files. The last line is the 10,000-node figure on the real matchbox.
// Usage: npx tsx bench/apply.ts [nodes...]   (default 1000 10000; env BENCH_DATA_DIR: where the
// servers' data directories go, /dev/shm by default; CONCURRENCY: calls in flight;
// BENCH_SERVERS=real,test-server)
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { registerTextHooks } from "../scripts/text-hooks.mjs";
import { parseProjectConfig } from "../src/config/project";
import { forEachLimit } from "../src/core/concurrency";
import { ConfigCache, executePlan, listLive, loadProfileDirectory, ownedFrom, planAgainst, renderDesired, templateVariables } from "../src/matchbox/apply";
import { openMatchbox } from "../src/matchbox/connect";
import type { MatchboxApi } from "../src/matchbox/types";
import { type TlsPaths, ensureTls, tlsPaths } from "../src/pki";
import { startRealMatchbox } from "../test/support/real-matchbox";

// the gRPC client, loaded by openMatchbox, imports its .proto files as text
registerTextHooks();

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (SIZES.length === 0) SIZES.push(1000, 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const REAL = process.env.PXECTL_TEST_MATCHBOX ?? fileURLToPath(new URL("../../shared/matchbox/matchbox", import.meta.url));
type ServerKind = "real matchbox" | "test server";
const SERVERS: ServerKind[] = (process.env.BENCH_SERVERS ?? "real,test-server").split(",").map((s) => (s === "real" ? "real matchbox" : "test server"));
const BUNDLE = fileURLToPath(new URL("../dist/pxectl.cjs", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "pxectl-bench-apply-"));
const variables = templateVariables(parseProjectConfig(readFileSync(new URL("../examples/pxectl.yaml", import.meta.url), "utf8"), "pxectl.yaml"));
const io = { fs: fsp, display: (p: string) => p, readFileSync: (p: string) => readFileSync(p) };
const tls = tlsPaths(join(root, "tls"));
await ensureTls(tls, { env: "bench", serverSans: ["127.0.0.1"], validityDays: 1, now: new Date() });

/** profileDirectory writes the directory for n nodes and returns its path. */
function profileDirectory(n: number): string {
  const dir = join(root, `profiles-${n}`);
  mkdirSync(join(dir, "butane"), { recursive: true });
  writeFileSync(
    join(dir, "butane/worker.yaml"),
    readFileSync(new URL("../examples/profiles/butane/install.yaml", import.meta.url), "utf8").replace(
      "storage:\n  files:\n",
      "storage:\n  files:\n    - path: /etc/hostname\n      mode: 0644\n      contents:\n        inline: {{node.name}}\n",
    ),
  );
  const hex = (i: number) => [(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, "0")).join(":");
  const parts = ["kind: profile\nid: worker\nboot:\n  kernel: /assets/flatcar/{{assets.flatcar.version}}/flatcar_production_pxe.vmlinuz\nconfig: butane/worker.yaml\n"];
  for (let i = 0; i < n; i++) parts.push(`kind: group\nid: node${i}\nprofile: worker\nselector:\n  mac: 52:54:aa:${hex(i)}\n`);
  writeFileSync(join(dir, "nodes.yaml"), parts.join("---\n"));
  return dir;
}

interface Server {
  endpoint: string;
  data: string;
  stop(): Promise<void>;
}

// the servers' data directories: in memory (/dev/shm) where there is one, so that the figures
// are pxectl's and the server's work, not the disk of the machine running the bench.
// BENCH_DATA_DIR=DIR puts them elsewhere, e.g. BENCH_DATA_DIR=/var/tmp for a disk.
const dataParent = process.env.BENCH_DATA_DIR ?? (existsSync("/dev/shm") ? "/dev/shm" : root);

async function startServer(kind: ServerKind, certs: TlsPaths): Promise<Server> {
  const data = mkdtempSync(join(dataParent, "pxectl-bench-data-"));
  const files = { certFile: certs.server.cert, keyFile: certs.server.key, caFile: certs.ca.cert };
  if (kind === "real matchbox") {
    const real = await startRealMatchbox({ binary: REAL, dataPath: data, assetsPath: "", tls: files, logLevel: "info" });
    return { endpoint: real.rpcAddress, data, stop: () => real.stop() };
  }
  const main = fileURLToPath(new URL("../test/support/matchbox/main.ts", import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", main, "-address", "127.0.0.1:0", "-rpc-address", "127.0.0.1:0", "-data-path", data, "-assets-path", "", "-cert-file", files.certFile, "-key-file", files.keyFile, "-ca-file", files.caFile], { stdio: ["ignore", "pipe", "ignore"] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /PXECTL_MATCHBOX_ENDPOINT=(\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`the test server exited (${code})`)));
  });
  return { endpoint, data, stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM"))) };
}

/** diskState lists every file of a data directory with its modification time. */
function diskState(data: string): Map<string, number> {
  const files = new Map<string, number>();
  for (const sub of readdirSync(data)) for (const f of readdirSync(join(data, sub))) files.set(`${sub}/${f}`, statSync(join(data, sub, f)).mtimeMs);
  return files;
}

function emptyDataDir(data: string): void {
  for (const sub of readdirSync(data)) rmSync(join(data, sub), { recursive: true, force: true });
}

/** cliPeak runs `pxectl profile apply` as a process and returns its wall time and peak RSS (kB, getrusage via /usr/bin/time, else VmHWM polled). */
async function cliPeak(project: string, endpoint: string): Promise<{ ms: number; peakKb: number }> {
  const args = [BUNDLE, "profile", "apply", "--endpoint", endpoint, "-q"];
  const t = performance.now();
  if (existsSync("/usr/bin/time")) {
    const out = join(project, "time.txt");
    execFileSync("/usr/bin/time", ["-f", "%M", "-o", out, process.execPath, ...args], { cwd: project, stdio: "ignore" });
    return { ms: performance.now() - t, peakKb: Number(readFileSync(out, "utf8").trim().split("\n").at(-1)) };
  }
  const child = spawn(process.execPath, args, { cwd: project, stdio: "ignore" });
  let peakKb = 0;
  const poll = setInterval(() => {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
    if (hwm) peakKb = Math.max(peakKb, Number(hwm));
  }, 10);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`pxectl profile apply exited ${code}`);
  return { ms: performance.now() - t, peakKb };
}

interface Result {
  server: ServerKind;
  nodes: number;
  first: number;
  reapply: number;
  reapplyWrites: number;
  touched: number;
  baseline: number;
  peakMb: number;
  cliMs: number;
}

async function benchOne(kind: ServerKind, nodes: number, dir: string): Promise<Result> {
  const server = await startServer(kind, tls);
  const api: MatchboxApi = await openMatchbox({ endpoint: server.endpoint, caFile: tls.ca.cert, certFile: tls.client.cert, keyFile: tls.client.key });
  const owned = ownedFrom(undefined, server.endpoint);
  const cacheFile = join(root, `cache-${kind.replace(" ", "-")}-${nodes}.json`);
  const apply = async () => {
    const marks = [performance.now()];
    const cache = ConfigCache.parse(existsSync(cacheFile) ? readFileSync(cacheFile, "utf8") : undefined);
    // as pxectl profile apply does: a server it wrote to before is listed while the directory renders
    const live = owned.profiles.size > 0 ? listLive(api) : undefined;
    const directory = await loadProfileDirectory(dir, io);
    marks.push(performance.now());
    const desired = renderDesired(directory, variables, cache);
    marks.push(performance.now());
    const plan = await planAgainst(api, desired, owned, { prune: true }, live);
    marks.push(performance.now());
    const writes = await executePlan(api, plan, owned, { concurrency: CONCURRENCY });
    writeFileSync(cacheFile, cache.serialize());
    marks.push(performance.now());
    const phases = ["load", "render", "plan", "write"].map((name, i) => `${name} ${(marks[i + 1]! - marks[i]!).toFixed(0)}`).join(", ");
    return { ms: marks.at(-1)! - marks[0]!, phases, writes, objects: desired.profiles.size + desired.groups.size + desired.configs.size, compiled: cache.misses };
  };
  try {
    await api.profileList().catch(() => undefined); // connect (TLS handshake) outside the timings
    const first = await apply();
    const before = diskState(server.data);
    const second = await apply();
    const after = diskState(server.data);
    const touched = [...after].filter(([f, t]) => before.get(f) !== t).length + [...before.keys()].filter((f) => !after.has(f)).length;

    // baseline: the same objects put directly over the same connection, under new names so
    // that the server creates as many files as in the first apply
    const profiles = await api.profileList();
    const groupsLive = await api.groupList();
    const configs = await Promise.all(profiles.map(async (p) => [p.ignition_id, await api.ignitionGet(p.ignition_id)] as const));
    const t0 = performance.now();
    await forEachLimit(configs, CONCURRENCY, ([name, bytes]) => api.ignitionPut(`baseline-${name}`, bytes));
    await forEachLimit(profiles, CONCURRENCY, (p) => api.profilePut({ ...p, id: `baseline-${p.id}`, ignition_id: `baseline-${p.ignition_id}` }));
    await forEachLimit(groupsLive, CONCURRENCY, (g) => api.groupPut({ ...g, id: `baseline-${g.id}`, profile: `baseline-${g.profile}` }));
    const baseline = performance.now() - t0;

    // pxectl profile apply itself, a process, on the emptied server: its first apply's peak RSS
    emptyDataDir(server.data);
    const project = join(root, `project-${kind.replace(" ", "-")}-${nodes}`);
    mkdirSync(join(project, ".pxectl"), { recursive: true });
    writeFileSync(join(project, "pxectl.yaml"), readFileSync(new URL("../examples/pxectl.yaml", import.meta.url), "utf8").replace("dir: profiles", `dir: ${dir}`));
    execFileSync("cp", ["-r", tls.dir, join(project, ".pxectl/tls")]);
    const cli = existsSync(BUNDLE) ? await cliPeak(project, server.endpoint) : { ms: NaN, peakKb: NaN };

    console.log(`${kind}, ${nodes} nodes (${first.objects} objects, ${CONCURRENCY} calls in flight, data on ${execFileSync("df", ["--output=fstype", server.data], { encoding: "utf8" }).split("\n")[1]?.trim()}):`);
    console.log(`  first apply ${first.ms.toFixed(0).padStart(6)} ms  ${first.writes} writes, ${first.compiled} configs compiled (${first.phases} ms)`);
    console.log(`  re-apply    ${second.ms.toFixed(0).padStart(6)} ms  ${second.writes} writes (${touched} files changed on the server), ${second.compiled} compiled (${second.phases} ms)`);
    console.log(`  baseline    ${baseline.toFixed(0).padStart(6)} ms  the same objects put directly under new names; first apply ratio ${(first.ms / baseline).toFixed(2)}x`);
    console.log(`  pxectl profile apply as a process: first apply ${cli.ms.toFixed(0)} ms, peak RSS ${(cli.peakKb / 1024).toFixed(0)} MB`);
    return { server: kind, nodes, first: first.ms, reapply: second.ms, reapplyWrites: second.writes + touched, touched, baseline, peakMb: cli.peakKb / 1024, cliMs: cli.ms };
  } finally {
    api.close();
    await server.stop();
    rmSync(server.data, { recursive: true, force: true });
  }
}

const results: Result[] = [];
try {
  if (!existsSync(BUNDLE)) console.log(`note: ${BUNDLE} is missing (npm run build): no peak RSS figures`);
  const servers = SERVERS.filter((s) => s !== "real matchbox" || existsSync(REAL));
  if (servers.length < SERVERS.length) console.log(`note: no real matchbox at ${REAL} (set PXECTL_TEST_MATCHBOX): the test server only`);
  for (const nodes of SIZES) {
    const dir = profileDirectory(nodes);
    for (const kind of servers) results.push(await benchOne(kind, nodes, dir));
  }
  console.log("goals (real matchbox): 1000 nodes first <= 2 s, re-apply <= 0.3 s, 0 writes; 10000 nodes first <= 1.2x baseline, re-apply <= 1 s, 0 writes, peak <= 400 MB");
  for (const r of results) {
    const ok = r.nodes <= 1000 ? r.first <= 2000 && r.reapply <= 300 && r.reapplyWrites === 0 : r.first <= 1.2 * r.baseline && r.reapply <= 1000 && r.reapplyWrites === 0 && r.peakMb <= 400;
    console.log(`  ${r.server}, ${r.nodes} nodes: ${ok ? "met" : "NOT met"}`);
  }
  const last = results.find((r) => r.server === "real matchbox" && r.nodes === 10_000) ?? results.at(-1);
  if (last) {
    const s = (ms: number) => (ms / 1000).toFixed(2);
    console.log(`apply ${last.nodes} nodes (${last.server}): first ${s(last.first)}s (ratio ${(last.first / last.baseline).toFixed(2)}), re-apply ${s(last.reapply)}s, ${last.reapplyWrites} writes, peak ${last.peakMb.toFixed(0)} MB`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
