#!/usr/bin/env node
// bench/startup: median wall time of `dist/pxectl --help` against `node -e 0`, run
// alternately so machine noise hits both alike. Goal: ratio <= 1.2.
// Usage: node bench/startup.mjs [runs]   (build first: npm run build:binary)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const binary = fileURLToPath(new URL("../dist/pxectl", import.meta.url));
if (!existsSync(binary)) {
  console.error("bench/startup: dist/pxectl is missing; run npm run build:binary first");
  process.exit(2);
}
const runs = Math.max(20, Number(process.argv[2] ?? 30));
const subjects = [
  { name: "node -e 0", cmd: process.execPath, args: ["-e", "0"] },
  { name: "dist/pxectl --help", cmd: binary, args: ["--help"] },
];

function time(s) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(s.cmd, s.args, { stdio: "ignore" });
  if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};

for (const s of subjects) time(s); // warm the page cache
const samples = subjects.map(() => []);
for (let i = 0; i < runs; i++) {
  const order = i % 2 ? [1, 0] : [0, 1];
  for (const k of order) samples[k].push(time(subjects[k]));
}
const [base, cli] = samples.map(median);
for (const [i, s] of subjects.entries()) {
  console.log(`${s.name.padEnd(20)} median ${median(samples[i]).toFixed(1)} ms  min ${Math.min(...samples[i]).toFixed(1)}  max ${Math.max(...samples[i]).toFixed(1)}  (n=${runs})`);
}
console.log(`ratio ${(cli / base).toFixed(2)} (goal <= 1.20)`);
