#!/usr/bin/env node
// Builds dist/pxectl.cjs (one bundled file) and, with --binary, dist/pxectl: a Node
// single-executable application. pkg is not used because it downloads base binaries.
import { execFileSync } from "node:child_process";
import { copyFileSync, chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { TEXT_EXTENSIONS } from "./text-hooks.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const args = new Set(process.argv.slice(2));
const binary = args.has("--binary");

// ssh2 wraps its native requires in try/catch and falls back to pure JS, so the
// addons are replaced by modules that throw, keeping the bundle free of .node files.
const stubNativeAddons = {
  name: "stub-native-addons",
  setup(build) {
    build.onResolve({ filter: /\.node$|^cpu-features$/ }, (a) => ({ path: a.path, namespace: "native-stub" }));
    build.onLoad({ filter: /.*/, namespace: "native-stub" }, (a) => ({
      contents: `throw new Error(${JSON.stringify("native addon not bundled: " + a.path)});`,
      loader: "js",
    }));
  },
};

mkdirSync(dist, { recursive: true });
const started = Date.now();
await esbuild.build({
  entryPoints: [join(root, "src/cli/bin.ts")],
  outfile: join(dist, "pxectl.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: binary || args.has("--minify"),
  keepNames: true,
  legalComments: "none",
  sourcemap: binary ? false : "linked",
  banner: { js: "#!/usr/bin/env node" },
  define: { PXECTL_VERSION: JSON.stringify(pkg.version) },
  loader: Object.fromEntries(TEXT_EXTENSIONS.map((e) => [e, "text"])),
  plugins: [stubNativeAddons],
  logLevel: "warning",
});
chmodSync(join(dist, "pxectl.cjs"), 0o755);

// The matchbox test server as one program taking matchbox's flags: the boot lab's matchbox
// where the real one is not at hand (tests, CI, offline machines).
await esbuild.build({
  stdin: {
    contents: `require("./test/support/matchbox/cli").main(process.argv.slice(2), process.env).then((c) => { if (c !== undefined) process.exitCode = c; }, (e) => { process.stderr.write(String(e && e.stack || e) + "\\n"); process.exitCode = 1; });`,
    resolveDir: root,
    loader: "js",
  },
  outfile: join(dist, "matchbox-test-server.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node" },
  loader: Object.fromEntries(TEXT_EXTENSIONS.map((e) => [e, "text"])),
  logLevel: "warning",
});
chmodSync(join(dist, "matchbox-test-server.cjs"), 0o755);

// The SakuraCloud test server, with its machine-backed mode: what `pxectl lab up --host vm`
// starts (found next to pxectl), so the cloud lab needs no checkout of the sources.
await esbuild.build({
  entryPoints: [join(root, "test/support/sakuracloud/main.ts")],
  outfile: join(dist, "sakuracloud-test-server.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  legalComments: "none",
  banner: { js: "#!/usr/bin/env node" },
  loader: Object.fromEntries(TEXT_EXTENSIONS.map((e) => [e, "text"])),
  logLevel: "warning",
});
chmodSync(join(dist, "sakuracloud-test-server.cjs"), 0o755);

if (binary) {
  const blob = join(dist, "pxectl.blob");
  const seaConfig = join(dist, "sea-config.json");
  writeFileSync(seaConfig, JSON.stringify({
    main: join(dist, "pxectl.cjs"),
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
  }));
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
  await inject(out, "NODE_SEA_BLOB", readFileSync(blob), {
    sentinelFuse: "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
  });
  rmSync(blob);
  rmSync(seaConfig);
  const mb = (statSync(out).size / 1e6).toFixed(1);
  process.stderr.write(`build: dist/pxectl (${mb} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
