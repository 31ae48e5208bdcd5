// The single binary's module loader. The program is split by esbuild into chunks (the CLI
// frame, then one chunk per command and per shared library); each chunk is compiled only when
// first required, from its source and the V8 code cache made for it at build time, so start-up
// costs what the frame costs, however many commands pxectl has. See docs/binary.md.
import { Script } from "node:vm";

/** ChunkSource reads a chunk's code and its code cache: SEA assets, or files while building. */
export interface ChunkSource {
  /** The chunk's code, wrapped by wrapChunk. */
  code(name: string): string;
  /** The V8 code cache for the chunk, or undefined to compile from source. */
  cache(name: string): Uint8Array | undefined;
}

/** LoadedChunk is a compiled and evaluated chunk. */
export interface LoadedChunk {
  name: string;
  script: Script;
  /** Whether V8 refused the chunk's code cache (made by another node, or flags differ). */
  cacheRejected: boolean | undefined;
  exports: unknown;
}

export interface ChunkLoader {
  /** load compiles and runs a chunk once; later calls return its exports. */
  load(name: string): unknown;
  readonly loaded: ReadonlyMap<string, LoadedChunk>;
}

type ChunkFunction = (exports: unknown, require: (id: string) => unknown, module: { exports: unknown }, filename: string, dirname: string) => void;

/**
 * createChunkLoader loads chunks that esbuild turned into CommonJS: a chunk requires its
 * siblings as "./name.js" and everything else (only node's own modules) with builtinRequire.
 * filename is what __filename means inside the chunks (the executable, as in a plain SEA).
 */
export function createChunkLoader(source: ChunkSource, builtinRequire: (id: string) => unknown, filename: string, dirname: string): ChunkLoader {
  const loaded = new Map<string, LoadedChunk>();
  const require = (id: string): unknown => (id.startsWith("./") ? load(id.slice(2)) : builtinRequire(id));
  function load(name: string): unknown {
    const done = loaded.get(name);
    if (done) return done.exports;
    const cachedData = source.cache(name);
    const script = compileChunk(name, source.code(name), cachedData);
    const module = { exports: {} };
    // registered before running: chunks never import each other in a cycle, but a failed
    // chunk must not be run twice
    const chunk: LoadedChunk = { name, script, cacheRejected: cachedData ? script.cachedDataRejected : undefined, exports: module.exports };
    loaded.set(name, chunk);
    (script.runInThisContext() as ChunkFunction)(module.exports, require, module, filename, dirname);
    chunk.exports = module.exports;
    return chunk.exports;
  }
  return { load, loaded };
}

/**
 * wrapChunk makes a chunk's code a function of CommonJS's module variables. The build stores
 * chunks wrapped: concatenating at run time would copy each chunk once more on the heap.
 */
export function wrapChunk(code: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
}

/** compileChunk compiles a wrapped chunk; the code cache is tied to this exact text. */
export function compileChunk(name: string, wrapped: string, cachedData?: Uint8Array): Script {
  return new Script(wrapped, { filename: `pxectl:${name}`, cachedData });
}

/** The chunk that starts the program (src/cli/bin.ts). */
export const ENTRY_CHUNK = "bin.js";
/** A chunk's code cache is the asset named after it with this suffix. */
export const CACHE_SUFFIX = ".cache";
/** The asset holding what `pxectl --help` printed at build time (to a pipe: 80 columns, no colours). */
export const HELP_ASSET = "help.txt";
