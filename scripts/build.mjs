#!/usr/bin/env node
// Builds dist/pxectl.cjs (one bundled file, with a source map: what tests run) and, with
// --binary, dist/pxectl: a Node single-executable application (scripts/sea.mjs, built from
// its own bundle in dist/sea/). pkg is not used because it downloads base binaries.
import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { buildSeaBinary } from "./sea.mjs";
import { TEXT_EXTENSIONS } from "./text-hooks.mjs";
import { precompiledValidators } from "./validators.mjs";

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

// commander loads node:child_process when it loads (for executable subcommands, which pxectl
// has none of): about 3 ms of every start. It gets a stand-in that loads the module on first use.
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (a) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(a.importer) ? { path: "node:child_process", namespace: "lazy-builtin" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (a) => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(a.path)}))[key] });`,
      loader: "js",
    }));
  },
};

// the options every bundle of pxectl itself shares (dist/pxectl.cjs and the binary's chunks)
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  keepNames: true,
  legalComments: "none",
  define: { PXECTL_VERSION: JSON.stringify(pkg.version) },
  loader: Object.fromEntries(TEXT_EXTENSIONS.map((e) => [e, "text"])),
  plugins: [stubNativeAddons, lazyChildProcessForCommander, precompiledValidators(root)],
  logLevel: "warning",
};

mkdirSync(dist, { recursive: true });
const started = Date.now();
await esbuild.build({
  ...common,
  entryPoints: [join(root, "src/cli/bin.ts")],
  outfile: join(dist, "pxectl.cjs"),
  format: "cjs",
  minify: args.has("--minify"),
  sourcemap: "linked",
  banner: { js: "#!/usr/bin/env node" },
});
chmodSync(join(dist, "pxectl.cjs"), 0o755);

/** buildTestServer bundles a test server into dist/NAME as one executable program. */
async function buildTestServer(name, entry) {
  await esbuild.build({
    ...entry,
    outfile: join(dist, name),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    legalComments: "none",
    banner: { js: "#!/usr/bin/env node" },
    loader: Object.fromEntries(TEXT_EXTENSIONS.map((e) => [e, "text"])),
    logLevel: "warning",
  });
  chmodSync(join(dist, name), 0o755);
}

// The matchbox test server as one program taking matchbox's flags: the boot lab's matchbox
// where the real one is not at hand (tests, CI, offline machines).
await buildTestServer("matchbox-test-server.cjs", {
  stdin: {
    contents: `require("./test/support/matchbox/cli").main(process.argv.slice(2), process.env).then((c) => { if (c !== undefined) process.exitCode = c; }, (e) => { process.stderr.write(String(e && e.stack || e) + "\\n"); process.exitCode = 1; });`,
    resolveDir: root,
    loader: "js",
  },
});

// The SakuraCloud test server as one program (npm run sakuracloud-test-server): its pid is
// the server's own, so SIGTERM or Ctrl-C stops it (under npx tsx a wrapper held the pid).
// With --machines it is what `pxectl lab up --host vm` starts (found next to pxectl), so
// the cloud lab needs no checkout of the sources; the lab OS's templates are text.
await buildTestServer("sakuracloud-test-server.cjs", { entryPoints: [join(root, "test/support/sakuracloud/main.ts")] });

if (binary) {
  const built = await buildSeaBinary({ root, dist, common });
  process.stderr.write(`build: dist/pxectl (${built.mb.toFixed(1)} MB, ${built.chunks} chunks) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
