// Build time only (scripts/sea.mjs bundles and runs it): runs pxectl from the chunk files the
// way the binary does, then writes the code cache of every chunk it loaded. Made after the run,
// a cache holds the functions that ran, not only each chunk's top level, so the binary compiles
// nothing on the common paths. Each run starts from the caches of the runs before it.
//   node train.cjs CHUNKS CACHES -- ARGS...   run pxectl ARGS
//   node train.cjs CHUNKS CACHES --fill       a compile-only cache for each chunk still without one
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_SUFFIX, ENTRY_CHUNK, compileChunk, createChunkLoader } from "../src/cli/chunks";

const [chunks, caches, mode, ...args] = process.argv.slice(2);
if (!chunks || !caches || (mode !== "--" && mode !== "--fill")) throw new Error("usage: train.cjs CHUNKS CACHES (-- ARGS... | --fill)");
const cacheFile = (name: string) => join(caches, name + CACHE_SUFFIX);
const readCache = (name: string) => (existsSync(cacheFile(name)) ? readFileSync(cacheFile(name)) : undefined);
const code = (name: string) => readFileSync(join(chunks, name), "utf8");

if (mode === "--fill") {
  for (const name of readdirSync(chunks)) {
    if (!existsSync(cacheFile(name))) writeFileSync(cacheFile(name), compileChunk(name, code(name)).createCachedData());
  }
} else {
  const loader = createChunkLoader({ code, cache: readCache }, require, process.execPath, chunks);
  process.argv = [process.argv[0]!, "pxectl", ...args];
  process.on("exit", () => {
    for (const c of loader.loaded.values()) {
      if (c.cacheRejected) throw new Error(`the code cache of ${c.name} was rejected by the node that made it`);
      writeFileSync(cacheFile(c.name), c.script.createCachedData());
    }
  });
  loader.load(ENTRY_CHUNK);
}
