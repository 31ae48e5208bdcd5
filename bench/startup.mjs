#!/usr/bin/env node
// bench/startup: start-up of the single binary against bare node (`node -e 0`), for --help,
// --version and `config validate` on a minimal project. Measured in pairs (node, then pxectl,
// the order alternating pair by pair) with the ratio taken per pair, so a busy machine slows
// both sides of a pair alike; prints the median ratio per command. Goal: <= 1.10.
// Usage: node bench/startup.mjs [pairs] [binary]   (build first: npm run build:binary)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const GOAL = 1.1;
const pairs = Math.max(10, Number(process.argv[2] ?? 40));
const binary = process.argv[3] ?? fileURLToPath(new URL("../dist/pxectl", import.meta.url));
if (!existsSync(binary)) {
  console.error(`bench/startup: ${binary} is missing; run npm run build:binary first`);
  process.exit(2);
}
const project = mkdtempSync(join(tmpdir(), "pxectl-bench-"));
writeFileSync(join(project, "pxectl.yaml"), "name: bench\n");
const env = { PATH: process.env.PATH, HOME: project };

const baseline = { name: "node -e 0", cmd: process.execPath, args: ["-e", "0"] };
const commands = [
  { name: "pxectl --help", cmd: binary, args: ["--help"] },
  { name: "pxectl --version", cmd: binary, args: ["--version"] },
  { name: "pxectl config validate", cmd: binary, args: ["config", "validate"] },
];

function time(s) {
  const t0 = process.hrtime.bigint();
  // output to pipes, as when a script reads it
  const r = spawnSync(s.cmd, s.args, { cwd: project, env, stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}`);
  return ms;
}

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};

try {
  for (const s of [baseline, ...commands]) time(s); // warm the page cache
  const results = commands.map(() => ({ base: [], cli: [], ratios: [] }));
  // commands interleaved too: each round is one pair per command
  for (let i = 0; i < pairs; i++) {
    for (const [k, c] of commands.entries()) {
      const r = results[k];
      let base, cli;
      if ((i + k) % 2 === 0) {
        base = time(baseline);
        cli = time(c);
      } else {
        cli = time(c);
        base = time(baseline);
      }
      r.base.push(base);
      r.cli.push(cli);
      r.ratios.push(cli / base);
    }
  }
  let met = true;
  for (const [k, c] of commands.entries()) {
    const r = results[k];
    const ratio = median(r.ratios);
    met &&= ratio <= GOAL;
    console.log(
      `${c.name.padEnd(24)} ratio ${ratio.toFixed(3)}  (pxectl median ${median(r.cli).toFixed(1)} ms, node -e 0 median ${median(r.base).toFixed(1)} ms, ${pairs} pairs)`,
    );
  }
  console.log(`goal: every ratio <= ${GOAL.toFixed(2)}: ${met ? "met" : "NOT met"}`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
