// Compiling 1000 per-node Butane configs is most of an unchanged re-apply's time, and its
// output depends only on its input: the rendered text, where it sits (for the positions in
// warnings), the local: files it read, and the translator. So an apply remembers, per input,
// the SHA-256 of the Ignition it produced; the next run names the config from that hash
// without compiling, and compiles only when the bytes are needed (the server lacks them).
// Any change to the text, a file it read, or pxectl's version or translation revision is
// a different key or a failed check, so it compiles again. The cache lives in
// .pxectl/cache/ignition.json: derived data, safe to delete, never needed for correctness.
import { createHash } from "node:crypto";
import { type ConfigProblem, InternalError } from "../../core/errors";
import { type CompiledConfig, type ConfigInput, TRANSLATION_REVISION, compileConfig } from "../../ignition";

/** CompiledRef is a config's identity (the SHA-256 of its Ignition JSON) and its bytes on demand. */
export interface CompiledRef {
  sha256: string;
  warnings: readonly ConfigProblem[];
  /** compiled compiles (once) when the cache answered; it checks the result has the remembered hash. */
  readonly compiled: () => CompiledConfig;
}

interface Entry {
  sha256: string;
  /** SHA-256 of each local: file the translation read, null for one that was absent. */
  locals: Record<string, string | null>;
  warnings: ConfigProblem[];
}

interface CacheFile {
  revision: string;
  entries: Record<string, Entry>;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** CACHE_REVISION changes whenever compiled output may change: pxectl's version and the translator's revision. */
export const CACHE_REVISION = `${typeof PXECTL_VERSION === "string" ? PXECTL_VERSION : "dev"}/${TRANSLATION_REVISION}`;

/** ConfigCache maps compile inputs to output hashes; serialize() keeps only what this run used. */
export class ConfigCache {
  hits = 0;
  misses = 0;
  private readonly used = new Map<string, Entry>();

  private constructor(private readonly entries: ReadonlyMap<string, Entry>) {}

  /** empty is a cache that knows nothing (offline plans, tests). */
  static empty(): ConfigCache {
    return new ConfigCache(new Map());
  }

  /** parse reads a cache file; anything unreadable or from another revision is an empty cache. */
  static parse(text: string | undefined): ConfigCache {
    try {
      const file = JSON.parse(text ?? "") as CacheFile;
      if (file.revision !== CACHE_REVISION || typeof file.entries !== "object") return ConfigCache.empty();
      return new ConfigCache(new Map(Object.entries(file.entries)));
    } catch {
      return ConfigCache.empty();
    }
  }

  serialize(): string {
    return JSON.stringify({ revision: CACHE_REVISION, entries: Object.fromEntries(this.used) } satisfies CacheFile) + "\n";
  }

  /** compile returns a config's hash, from the cache when the same input compiled before. */
  compile(input: ConfigInput): CompiledRef {
    const { file, lineOffset = 0, columnOffset = 0 } = input.origin;
    const key = sha256(`${file}\0${lineOffset}\0${columnOffset}\0${input.text}`);
    const known = this.entries.get(key);
    if (known && this.localsUnchanged(known, input)) {
      this.hits++;
      this.used.set(key, known);
      let compiled: CompiledConfig | undefined;
      return {
        sha256: known.sha256,
        warnings: known.warnings,
        compiled: () => {
          compiled ??= compileConfig(input);
          if (sha256(compiled.json) !== known.sha256) {
            throw new InternalError(`the config cache is out of date for ${file}`, { hint: "delete .pxectl/cache/ and run the command again" });
          }
          return compiled;
        },
      };
    }
    this.misses++;
    const locals: Record<string, string | null> = {};
    const readLocal = input.readLocal && ((path: string) => {
      const bytes = input.readLocal!(path);
      locals[path] = bytes === undefined ? null : sha256(bytes);
      return bytes;
    });
    const compiled = compileConfig({ ...input, readLocal });
    const entry: Entry = { sha256: sha256(compiled.json), locals, warnings: [...compiled.warnings] };
    this.used.set(key, entry);
    // thousands of per-node configs wait for their put: keep their bytes, not the tree they
    // were written from (three times the memory); the tree is the bytes read back if asked for
    const { config: _tree, ...kept } = compiled;
    let tree: Record<string, unknown> | undefined;
    const slim: CompiledConfig = {
      ...kept,
      get config() {
        return (tree ??= JSON.parse(kept.json) as Record<string, unknown>);
      },
    };
    return { sha256: entry.sha256, warnings: entry.warnings, compiled: () => slim };
  }

  private localsUnchanged(entry: Entry, input: ConfigInput): boolean {
    return Object.entries(entry.locals).every(([path, hash]) => {
      const bytes = input.readLocal?.(path);
      return (bytes === undefined ? null : sha256(bytes)) === hash;
    });
  }
}
