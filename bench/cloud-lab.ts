// bench/cloud-lab: SakuraCloud replayed on this machine, timed. The machine-backed
// SakuraCloud test server (servers are QEMU VMs, the Debian 12 archive the lab's host
// image), then through the bundled pxectl: init (cloud resources, SSH, the installer under
// systemd, certificates, the mTLS check) with the real matchbox uploaded, 2 blank-disk
// nodes by node add --create followed by watch until installed, and destroy. The last line:
//   cloud lab: 2/2 nodes installed, 0 resources left, init Xs, nodes Ys, destroy Zs
// Usage (root): npm run build && PXECTL_TEST_MATCHBOX=../shared/matchbox/matchbox \
//   npx tsx --import ./scripts/register-text.mjs bench/cloud-lab.ts
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCloudLabProject } from "../src/lab/cloud-project";
import { startCloudLab } from "../test/support/sakuracloud/machines/cloud-lab";

const ROOT = join(import.meta.dirname, "..");
const CACHE = process.env.PXECTL_LAB_CACHE ?? "/var/cache/pxectl/lab";
const MATCHBOX = process.env.PXECTL_TEST_MATCHBOX ?? join(ROOT, "../shared/matchbox/matchbox");

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pxectl-bench-cloud-lab-"));
  let started = Date.now();
  const lab = await startCloudLab({ cacheDir: CACHE });
  process.stdout.write(`host image: ${lab.timings.hostImageBuilt ? "built" : "cache hit"} in ${seconds(lab.timings.hostImageMs)}; lab OS ${seconds(lab.timings.labOsMs)}; server up in ${seconds(Date.now() - started)}\n`);
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...lab.env };
  // asynchronous: the API server runs in this process and must keep answering
  const pxectl = async (...argv: string[]) => {
    try {
      return (await promisify(execFile)(process.execPath, [join(ROOT, "dist/pxectl.cjs"), ...argv], { cwd: dir, env, encoding: "utf8", maxBuffer: 64 << 20 })).stdout;
    } catch (e) {
      const err = e as { code?: number; stderr?: string };
      throw new Error(`pxectl ${argv.join(" ")} exited ${err.code}: ${(err.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
    }
  };
  let installed = 0;
  let left = -1;
  const times = { init: 0, nodes: 0, destroy: 0 };
  try {
    await writeCloudLabProject(join(dir, "pxectl.yaml"), { allowFrom: `${lab.server.machines!.network.operatorAddress}/32`, forward: true, name: "bench" });
    started = Date.now();
    const init = JSON.parse(await pxectl("init", "--matchbox-binary", MATCHBOX, "--skip-assets", "-o", "json")) as { steps: Array<{ id: string; seconds: number }> };
    times.init = Date.now() - started;
    process.stdout.write(`init: ${seconds(times.init)} (${init.steps.filter((s) => s.seconds >= 1).map((s) => `${s.id} ${seconds(s.seconds * 1000)}`).join(", ")})\n`);
    await pxectl("profile", "apply", "-o", "json");
    started = Date.now();
    await pxectl("node", "add", "--create", "--count", "2", "-o", "json");
    const watch = await pxectl("watch", "--until", "installed", "--timeout", "600s", "-o", "json");
    times.nodes = Date.now() - started;
    // watch -o json's last line: its nodes' stages of the last boot cycle, with ISO times
    const done = JSON.parse(watch.trim().split("\n").at(-1)!) as { nodes: Array<{ node: string; reached: boolean; cycle: number; stages: Array<{ stage: string; at: string; duration_ms: number }> }> };
    installed = done.nodes.filter((n) => n.reached).length;
    for (const n of done.nodes) {
      const path = n.stages.map((x) => `${x.stage} ${seconds(x.duration_ms)}`).join(", ");
      process.stdout.write(`  ${n.node} (cycle ${n.cycle}): ${path}\n`);
    }
    process.stdout.write(`nodes (create, power on, install, reboot): ${seconds(times.nodes)}\n`);
    started = Date.now();
    await pxectl("destroy", "--yes", "-o", "json");
    times.destroy = Date.now() - started;
    left = lab.server.inventory().length + lab.server.machines!.runningPids().length;
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`cloud lab: ${installed}/2 nodes installed, ${left} resources left, init ${seconds(times.init)}, nodes ${seconds(times.nodes)}, destroy ${seconds(times.destroy)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
