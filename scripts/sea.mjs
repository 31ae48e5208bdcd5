// The single binary (dist/pxectl): a copy of node with a Node single-executable-application
// blob. Its main script is a small loader (src/cli/sea.ts); the program is split by esbuild
// into chunks kept as SEA assets, each with a V8 code cache made after running the common
// commands, so a command compiles and runs only its own code. Why: docs/binary.md.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as esbuild from "esbuild";
import { splitValidators } from "./validators.mjs";

const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
const CACHE_SUFFIX = ".cache"; // as src/cli/chunks.ts
const HELP_ASSET = "help.txt"; // as src/cli/chunks.ts

// The commands whose paths the code caches cover: start-up, help, and a command that reads a
// project. Other commands' chunks get a cache of their top level only.
const TRAINING_RUNS = [["--help"], ["--version"], ["config", "validate"], ["config", "show", "-o", "json"], ["node", "--help"]];

/** buildSeaBinary writes dist/pxectl; common holds the esbuild options every bundle shares. */
export async function buildSeaBinary({ root, dist, common }) {
  const work = join(dist, "sea");
  const esm = join(work, "esm");
  const chunks = join(work, "chunks");
  const caches = join(work, "caches");
  rmSync(work, { recursive: true, force: true });
  for (const d of [esm, chunks, caches]) mkdirSync(d, { recursive: true });

  // 1. ESM with code splitting: every dynamic import() becomes its own chunk
  // each schema's validator a chunk of its own (scripts/validators.mjs)
  const validators = splitValidators(root);
  const { metafile } = await esbuild.build({
    ...common,
    plugins: [...common.plugins.filter((p) => p.name !== "precompiled-validators"), validators.plugin],
    entryPoints: [join(root, "src/cli/bin.ts"), ...validators.entries],
    outdir: esm,
    format: "esm",
    splitting: true,
    minify: true,
    keepNames: true,
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    metafile: true,
  });
  // import() of a CommonJS package (yaml, ssh2) gets a chunk whose only export is the package as
  // "default"; as CommonJS, that chunk exports the package itself, as the one-file bundle does
  const commonJsEntries = new Set(
    Object.entries(metafile.outputs)
      .filter(([, o]) => o.entryPoint && metafile.inputs[o.entryPoint]?.format === "cjs" && o.exports.length === 1 && o.exports[0] === "default")
      .map(([path]) => basename(path)),
  );
  // 2. each chunk to CommonJS: imports become require("./chunk.js"), import() a lazy require
  for (const name of readdirSync(esm)) {
    const { code } = await esbuild.transform(readFileSync(join(esm, name), "utf8"), {
      format: "cjs",
      supported: { "dynamic-import": false },
      minifyWhitespace: true,
      loader: "js",
      logLevel: "error", // esbuild's warnings about dependencies' code were shown by the bundling step
    });
    writeFileSync(join(chunks, name), commonJsEntries.has(name) ? `${code}module.exports = module.exports.default;\n` : code);
  }
  rmSync(esm, { recursive: true });

  // 3. the loader (the blob's main) and the build-time trainer that shares its code
  for (const [entry, out] of [["src/cli/sea.ts", "main.cjs"], ["scripts/sea-train.ts", "train.cjs"]]) {
    await esbuild.build({ ...common, entryPoints: [join(root, entry)], outfile: join(work, out), format: "cjs", minify: true });
  }

  // 4. code caches, made by the same node that the binary is a copy of
  const project = mkdtempSync(join(tmpdir(), "pxectl-sea-train-"));
  try {
    writeFileSync(join(project, "pxectl.yaml"), "name: train\n");
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: project, NO_COLOR: "1" };
    const trainer = join(work, "train.cjs");
    execFileSync(process.execPath, [trainer, chunks, caches, "--wrap"], { stdio: "inherit" });
    for (const args of TRAINING_RUNS) {
      const r = spawnSync(process.execPath, [trainer, chunks, caches, "--", ...args], { cwd: project, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`build: training run "pxectl ${args.join(" ")}" failed (${r.status}): ${r.stderr}`);
      // printed to a pipe, as the binary answers --help to one without loading the program
      if (args.length === 1 && args[0] === "--help") writeFileSync(join(work, HELP_ASSET), r.stdout);
    }
    execFileSync(process.execPath, [trainer, chunks, caches, "--fill"], { stdio: "inherit" });
  } finally {
    rmSync(project, { recursive: true, force: true });
  }

  // 5. the blob: the loader, and every chunk and cache as an asset named after its file
  const assets = { [HELP_ASSET]: join(work, HELP_ASSET) };
  for (const name of readdirSync(chunks)) {
    assets[name] = join(chunks, name);
    assets[name + CACHE_SUFFIX] = join(caches, name + CACHE_SUFFIX);
  }
  const blob = join(work, "pxectl.blob");
  const seaConfig = join(work, "sea-config.json");
  writeFileSync(seaConfig, JSON.stringify({ main: join(work, "main.cjs"), output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }));
  execFileSync(process.execPath, ["--experimental-sea-config", seaConfig], { stdio: ["ignore", "ignore", "inherit"] });

  const out = join(dist, "pxectl");
  rmSync(out, { force: true });
  copyFileSync(process.execPath, out);
  chmodSync(out, 0o755);
  // Stripping must happen before injection: stripping an injected binary corrupts it.
  try {
    execFileSync("strip", ["--strip-all", out], { stdio: "ignore" });
  } catch {
    process.stderr.write("build: strip not available; the binary keeps its debug symbols\n");
  }
  const { inject } = await import("postject");
  await inject(out, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: SENTINEL_FUSE });
  rmSync(blob);
  checkCachesAccepted(out);
  return { out, chunks: readdirSync(chunks).length, mb: statSync(out).size / 1e6 };
}

// A rejected cache still works, only slowly (V8 compiles from source), so nothing else would notice.
function checkCachesAccepted(binary) {
  const r = spawnSync(binary, ["node", "--help"], { env: { PXECTL_SEA_TRACE: "1" }, encoding: "utf8" });
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("pxectl-sea: "));
  if (r.status !== 0 || lines.length === 0) throw new Error(`build: ${basename(binary)} node --help failed: ${r.stderr}`);
  const bad = lines.filter((l) => !l.endsWith(" cache accepted"));
  if (bad.length > 0) throw new Error(`build: V8 did not take the binary's code caches:\n${bad.join("\n")}`);
}
