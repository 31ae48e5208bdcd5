// bench/apply: 1000 nodes declared in a profile directory (one group per MAC, one profile
// whose config reads {{node.name}}, so 1000 profiles, 1000 groups and 1000 Ignition configs)
// applied over mutual TLS to the matchbox test server (a child process, as matchbox is),
// then re-applied unchanged. The engine runs in-process as `pxectl profile apply` runs it,
// the compiled-config cache included (read before, written after, like the command).
// Prints both walls, the second run's writes (counted by the client, and checked on the
// server's disk), the goals, a same-run baseline (the same objects put directly, under new
// names so the server creates as many files), and what this machine's disk adds.
// Usage: npx tsx bench/apply.ts [nodes]   (env BENCH_DATA_DIR: where the server's data directory goes,
// /dev/shm by default; CONCURRENCY: calls in flight)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { registerTextHooks } from "../scripts/text-hooks.mjs";
import { parseProjectConfig } from "../src/config/project";
import { forEachLimit } from "../src/core/concurrency";
import { ConfigCache, executePlan, loadProfileDirectory, ownedFrom, planAgainst, renderDesired, templateVariables } from "../src/matchbox/apply";
import { openMatchbox } from "../src/matchbox/connect";
import { ensureTls, tlsPaths } from "../src/pki";

// the gRPC client, loaded by openMatchbox, imports its .proto files as text
registerTextHooks();

const NODES = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const root = mkdtempSync(join(tmpdir(), "pxectl-bench-apply-"));
const dir = join(root, "profiles");
mkdirSync(join(dir, "butane"), { recursive: true });
writeFileSync(
  join(dir, "butane/worker.yaml"),
  readFileSync(new URL("../examples/profiles/butane/install.yaml", import.meta.url), "utf8").replace(
    "storage:\n  files:\n",
    "storage:\n  files:\n    - path: /etc/hostname\n      mode: 0644\n      contents:\n        inline: {{node.name}}\n",
  ),
);
const hex = (i: number) => [(i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, "0")).join(":");
let groups = "kind: profile\nid: worker\nboot:\n  kernel: /assets/flatcar/{{assets.flatcar.version}}/flatcar_production_pxe.vmlinuz\nconfig: butane/worker.yaml\n";
for (let i = 0; i < NODES; i++) groups += `---\nkind: group\nid: node${i}\nprofile: worker\nselector:\n  mac: 52:54:00:aa:${hex(i)}\n`;
writeFileSync(join(dir, "nodes.yaml"), groups);
const variables = templateVariables(parseProjectConfig(readFileSync(new URL("../examples/pxectl.yaml", import.meta.url), "utf8"), "pxectl.yaml"));
const io = { fs: fsp, display: (p: string) => p, readFileSync: (p: string) => readFileSync(p) };
const cacheFile = join(root, "cache-ignition.json");

// the server: the matchbox test server as a program, with its own CPU
const tls = tlsPaths(join(root, "tls"));
await ensureTls(tls, { env: "bench", serverSans: ["127.0.0.1"], validityDays: 1, now: new Date() });
// the server's data directory: in memory (/dev/shm) where there is one, so that the figures are
// pxectl's and the server's work, not the disk of the machine running the bench (this VM's disk
// takes 0.6-0.9 s, varying, to create 3000 files; the disk line below measures it in the same run).
// BENCH_DATA_DIR=DIR puts it elsewhere, e.g. BENCH_DATA_DIR=/var/tmp for a disk.
const data = mkdtempSync(join(process.env.BENCH_DATA_DIR ?? (existsSync("/dev/shm") ? "/dev/shm" : root), "pxectl-bench-data-"));
const main = fileURLToPath(new URL("../test/support/matchbox/main.ts", import.meta.url));
const server = spawn(process.execPath, ["--import", "tsx", main, "-address", "127.0.0.1:0", "-rpc-address", "127.0.0.1:0", "-data-path", data, "-assets-path", "", "-cert-file", tls.server.cert, "-key-file", tls.server.key, "-ca-file", tls.ca.cert], { stdio: ["ignore", "pipe", "ignore"] });
const endpoint = await new Promise<string>((resolve, reject) => {
  let out = "";
  server.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
    const m = /PXECTL_MATCHBOX_ENDPOINT=(\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  server.on("exit", (code) => reject(new Error(`the test server exited (${code})`)));
});
const api = await openMatchbox({ endpoint, caFile: tls.ca.cert, certFile: tls.client.cert, keyFile: tls.client.key });
const owned = ownedFrom(undefined, endpoint);

/** apply is pxectl profile apply's work, timed by phase: read the cache, render, plan, write, save the cache. */
async function apply(): Promise<{ ms: number; phases: string; writes: number; objects: number; compiled: number }> {
  const marks = [performance.now()];
  const cache = ConfigCache.parse(existsSync(cacheFile) ? readFileSync(cacheFile, "utf8") : undefined);
  const directory = await loadProfileDirectory(dir, io);
  marks.push(performance.now());
  const desired = renderDesired(directory, variables, cache);
  marks.push(performance.now());
  const plan = await planAgainst(api, desired, owned, { prune: true });
  marks.push(performance.now());
  const writes = await executePlan(api, plan, owned, { concurrency: CONCURRENCY });
  writeFileSync(cacheFile, cache.serialize());
  marks.push(performance.now());
  const phases = ["load", "render", "plan", "write"].map((name, i) => `${name} ${(marks[i + 1]! - marks[i]!).toFixed(0)}`).join(", ");
  return { ms: marks[marks.length - 1]! - marks[0]!, phases, writes, objects: desired.profiles.size + desired.groups.size + desired.configs.size, compiled: cache.misses };
}

/** diskState lists every file of the data directory with its modification time. */
function diskState(): Map<string, number> {
  const files = new Map<string, number>();
  for (const sub of readdirSync(data)) for (const f of readdirSync(join(data, sub))) files.set(`${sub}/${f}`, statSync(join(data, sub, f)).mtimeMs);
  return files;
}

try {
  await api.profileList(); // connect (TLS handshake) outside the timings
  const first = await apply();
  const before = diskState();
  const second = await apply();
  const after = diskState();
  const touched = [...after].filter(([f, t]) => before.get(f) !== t).length + [...before.keys()].filter((f) => !after.has(f)).length;

  // baseline: the same objects put directly over the same connection, under new names so
  // that the server creates 3000 files as in the first apply
  const profiles = await api.profileList();
  const groupsLive = await api.groupList();
  const configs = await Promise.all(profiles.map(async (p) => [p.ignition_id, await api.ignitionGet(p.ignition_id)] as const));
  const t0 = performance.now();
  await forEachLimit(configs, CONCURRENCY, ([name, bytes]) => api.ignitionPut(`baseline-${name}`, bytes));
  await forEachLimit(profiles, CONCURRENCY, (p) => api.profilePut({ ...p, id: `baseline-${p.id}`, ignition_id: `baseline-${p.ignition_id}` }));
  await forEachLimit(groupsLive, CONCURRENCY, (g) => api.groupPut({ ...g, id: `baseline-${g.id}`, profile: `baseline-${g.profile}` }));
  const baseline = performance.now() - t0;

  // this machine's disk, for reference: 3000 small files created one after another
  const diskDir = mkdtempSync(join(root, "disk-"));
  const d0 = performance.now();
  for (let i = 0; i < 3000; i++) writeFileSync(join(diskDir, `f${i}.json`), "{}");
  const disk = performance.now() - d0;
  const diskType = execFileSync("df", ["--output=fstype", diskDir], { encoding: "utf8" }).split("\n")[1]?.trim();

  // the command itself, for reference: process start-up and module loading included
  let cli = "";
  const bundle = fileURLToPath(new URL("../dist/pxectl.cjs", import.meta.url));
  if (existsSync(bundle)) {
    const project = join(root, "project");
    mkdirSync(join(project, ".pxectl"), { recursive: true });
    writeFileSync(join(project, "pxectl.yaml"), readFileSync(new URL("../examples/pxectl.yaml", import.meta.url), "utf8").replace("dir: profiles", `dir: ${dir}`));
    execFileSync("cp", ["-r", tls.dir, join(project, ".pxectl/tls")]);
    const run = () => {
      const t = performance.now();
      execFileSync(process.execPath, [bundle, "profile", "apply", "--endpoint", endpoint, "-q"], { cwd: project, stdio: "ignore" });
      return performance.now() - t;
    };
    run(); // adopts the objects and fills its cache
    cli = `pxectl profile apply (re-apply, node dist/pxectl.cjs, a process) ${run().toFixed(0)} ms`;
  }

  const fsType = execFileSync("df", ["--output=fstype", data], { encoding: "utf8" }).split("\n")[1]?.trim();
  console.log(`server: matchbox test server over mutual TLS at ${endpoint} (child process), data on ${fsType}; ${CONCURRENCY} calls in flight`);
  console.log(`first apply   ${first.ms.toFixed(0).padStart(6)} ms  ${first.writes} writes for ${first.objects} objects (${NODES} nodes), ${first.compiled} configs compiled  goal <= 2000 ms`);
  console.log(`              (${first.phases} ms)`);
  console.log(`re-apply      ${second.ms.toFixed(0).padStart(6)} ms  ${second.writes} writes (${touched} files changed on the server), ${second.compiled} configs compiled  goal <= 300 ms, 0 writes`);
  console.log(`              (${second.phases} ms)`);
  console.log(`baseline      ${baseline.toFixed(0).padStart(6)} ms  the same ${first.writes} objects put directly under new names (warm); first apply ratio ${(first.ms / baseline).toFixed(2)}x`);
  console.log(`disk          ${disk.toFixed(0).padStart(6)} ms  to create 3000 files on this machine's ${diskType} (${root}); with the data there, add about that`);
  if (cli) console.log(cli);
  const ok = first.ms <= 2000 && second.ms <= 300 && second.writes === 0 && touched === 0;
  console.log(ok ? "goals met" : "goals NOT met");
} finally {
  api.close();
  server.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
  rmSync(data, { recursive: true, force: true });
}
