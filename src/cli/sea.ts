// The single binary's main script (the SEA blob's "main"): loads the program's chunks from
// the SEA assets, each with its code cache. PXECTL_SEA_TRACE=1 reports, on stderr, each
// chunk loaded and whether V8 took its code cache (the build checks that it always does).
import { dirname } from "node:path";
import { getRawAsset } from "node:sea";
import { CACHE_SUFFIX, ENTRY_CHUNK, createChunkLoader } from "./chunks";

const decoder = new TextDecoder();
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

if (process.env.PXECTL_SEA_TRACE) {
  process.on("exit", () => {
    for (const c of loader.loaded.values()) {
      const cache = c.cacheRejected === undefined ? "no cache" : c.cacheRejected ? "cache rejected" : "cache accepted";
      process.stderr.write(`pxectl-sea: ${c.name} ${cache}\n`);
    }
  });
}
loader.load(ENTRY_CHUNK);
