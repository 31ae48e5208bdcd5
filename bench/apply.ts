// bench/apply: 1000 nodes declared in a profile directory (one group per MAC, one profile
// whose config reads {{node.name}}, so 1000 profiles, 1000 groups and 1000 Ignition configs)
// applied, then re-applied unchanged. Prints both walls, the second run's write count and
// the goals, plus a baseline: the same 3000 puts issued directly, without pxectl's work.
// Usage: npx tsx bench/apply.ts [nodes]
//
// The matchbox gRPC client and test server (the other half of issue 4) are not in this
// branch yet, so the server here is the in-memory MatchboxApi of the unit tests: the walls
// measure pxectl's own work (load, render, validate, plan, execute), not gRPC over TLS.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseProjectConfig } from "../src/config/project";
import { executePlan, loadProfileDirectory, ownedFrom, planAgainst, renderDesired, templateVariables } from "../src/matchbox/apply";
import { MemoryMatchbox } from "../test/support/memory-matchbox";

const NODES = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), "pxectl-bench-apply-"));
mkdirSync(join(dir, "butane"));
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
const server = new MemoryMatchbox();
const owned = ownedFrom(undefined, "bench");

async function apply(): Promise<{ ms: number; writes: number; objects: number }> {
  const t0 = performance.now();
  const desired = renderDesired(await loadProfileDirectory(dir, io), variables);
  const plan = await planAgainst(server, desired, owned, { prune: true });
  const writes = await executePlan(server, plan, owned);
  return { ms: performance.now() - t0, writes, objects: desired.profiles.size + desired.groups.size + desired.configs.size };
}

try {
  const first = await apply();
  const second = await apply();
  const direct = new MemoryMatchbox();
  const t0 = performance.now();
  for (const p of server.profiles.values()) await direct.profilePut(p);
  for (const g of server.groups.values()) await direct.groupPut(g);
  for (const [name, bytes] of server.ignition) await direct.ignitionPut(name, bytes);
  const baseline = performance.now() - t0;
  console.log(`server: in-memory MatchboxApi (the gRPC client and test server are not merged yet)`);
  console.log(`first apply   ${first.ms.toFixed(0).padStart(6)} ms  ${first.writes} writes for ${first.objects} objects (${NODES} nodes)  goal <= 2000 ms`);
  console.log(`re-apply      ${second.ms.toFixed(0).padStart(6)} ms  ${second.writes} writes  goal <= 300 ms, 0 writes`);
  console.log(`baseline      ${baseline.toFixed(0).padStart(6)} ms  the same ${first.writes} puts issued directly; first apply ratio ${(first.ms / Math.max(baseline, 0.001)).toFixed(0)}x`);
  const ok = first.ms <= 2000 && second.ms <= 300 && second.writes === 0;
  console.log(ok ? "goals met" : "goals NOT met");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
