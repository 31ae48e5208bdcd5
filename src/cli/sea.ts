// The single binary's main script (the SEA blob's "main"): loads the program's chunks from
// the SEA assets, each with its code cache. PXECTL_SEA_TRACE=1 reports, on stderr, each
// chunk loaded and whether V8 took its code cache (the build checks that it always does).
// `pxectl --version` and `pxectl --help` written to a pipe or a file (scripts, CI) are
// answered here, with the text the program printed at build time, before any of it loads.
import { writeSync } from "node:fs";
import { dirname } from "node:path";
import { getRawAsset } from "node:sea";
import { CACHE_SUFFIX, ENTRY_CHUNK, HELP_ASSET, createChunkLoader } from "./chunks";
import { writesDirectly } from "./fd";

const decoder = new TextDecoder();
const trace = Boolean(process.env.PXECTL_SEA_TRACE);

/** answerFromBuild is the text of a run the build already made, or undefined to run pxectl. */
function answerFromBuild(argv: readonly string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  if (argv[0] === "-V" || argv[0] === "--version") return `${PXECTL_VERSION}\n`;
  // help is 80 columns wide and without colours when stdout is not a terminal (src/cli/program.ts)
  if (argv[0] === "-h" || argv[0] === "--help") return decoder.decode(getRawAsset(HELP_ASSET) as ArrayBuffer);
  return undefined;
}

/** writeAll writes text to fd 1 as src/cli/bin.ts does: synchronously, node's stream if the pipe is full. */
function writeAll(text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return; // pxectl --help | head: not an error
      if (code !== "EAGAIN") throw e;
      process.stdout.write(rest);
      return;
    }
  }
}

const answer = writesDirectly(1) ? answerFromBuild(process.argv.slice(2)) : undefined;
if (answer !== undefined) {
  if (trace) process.stderr.write("pxectl-sea: answered from the text made at build time\n");
  writeAll(answer);
} else {
  const loader = createChunkLoader(
    {
      code: (name) => decoder.decode(getRawAsset(name) as ArrayBuffer),
      cache(name) {
        try {
          return new Uint8Array(getRawAsset(name + CACHE_SUFFIX) as ArrayBuffer);
        } catch {
          return undefined; // no cache for this chunk: compiled from source
        }
      },
    },
    // the SEA's own require: node's built-in modules only, which is all a chunk asks for
    require,
    process.execPath,
    dirname(process.execPath),
  );

  if (trace) {
    process.on("exit", () => {
      for (const c of loader.loaded.values()) {
        const cache = c.cacheRejected === undefined ? "no cache" : c.cacheRejected ? "cache rejected" : "cache accepted";
        process.stderr.write(`pxectl-sea: ${c.name} ${cache}\n`);
      }
    });
  }
  loader.load(ENTRY_CHUNK);
}
