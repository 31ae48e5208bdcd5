// The profile directory: YAML files directly in it declare profiles and groups (several
// documents per file, each with kind: profile or kind: group); configs live in files it
// names (conventionally in a subfolder). Everything is checked before anything renders:
// the schema, unique ids, known profiles, MACs, and selectors no two groups share.
import { join, resolve, sep } from "node:path";
import schema from "../../../schemas/profiles.schema.json";
import { type ConfigProblem, ConfigError } from "../../core/errors";
import { normalizeMac } from "../../core/mac";
import { closest } from "../../core/text";
import type { FileSystem } from "../../config/files";
import { formatPath, validateLocated } from "../../config/validate";
import { type Located, type PathSegment, parseYamlAll } from "../../config/yaml";

/** Where is a declaration's position, for messages. */
export interface Where {
  file: string;
  doc: Located;
  index: number;
}

/** ConfigSource is a profile's config text and where it sits. */
export interface ConfigSource {
  text: string;
  file: string;
  lineOffset: number;
  columnOffset: number;
}

/** DeclaredProfile is a kind: profile document. */
export interface DeclaredProfile {
  id: string;
  name: string;
  boot?: { kernel: string; initrd: string[]; args: string[] };
  config?: ConfigSource;
  where: Where;
}

/** DeclaredGroup is a kind: group document, its selector normalised (strings, MAC lower-case colons). */
export interface DeclaredGroup {
  id: string;
  name: string;
  profile: string;
  selector: Record<string, string>;
  metadata: Record<string, unknown>;
  where: Where;
}

/** ProfileDirectory is everything a directory declares. */
export interface ProfileDirectory {
  dir: string;
  profiles: DeclaredProfile[];
  groups: DeclaredGroup[];
  /** Reads a file inside the directory (Butane local:), or undefined. */
  readLocal(path: string): Uint8Array | undefined;
}

interface RawProfile {
  kind: "profile";
  id: string;
  name?: string;
  boot?: { kernel: string; initrd?: string[]; args?: string[] };
  config?: string | { inline: string };
}
interface RawGroup {
  kind: "group";
  id: string;
  name?: string;
  profile: string;
  selector?: Record<string, string | number | boolean>;
  metadata?: Record<string, unknown>;
}

const HINT = "fix the profile directory; pxectl profile plan -f DIR checks it without changing anything";

function at(w: Where, path: readonly PathSegment[], message: string, which: "key" | "value" = "value"): ConfigProblem {
  const p = w.doc.locate(path, which);
  return { file: w.file, line: p?.line, column: p?.column, path: formatPath(path) || undefined, message };
}

function inlineSource(w: Where, text: string, fileText: string): ConfigSource {
  // a block scalar's text starts on the line after "inline: |"; YAML strips the indentation
  // of its lines, which is put back into the columns of messages
  const line = w.doc.locate(["config", "inline"])?.line ?? 0;
  const firstLine = fileText.split("\n")[line] ?? "";
  return { text, file: w.file, lineOffset: line, columnOffset: /^ */.exec(firstLine)![0].length };
}

/** loadProfileDirectory reads and checks a directory; fs is injected so tests and tools can swap it. */
export async function loadProfileDirectory(dir: string, o: { fs: FileSystem; display: (path: string) => string; readFileSync: (path: string) => Uint8Array }): Promise<ProfileDirectory> {
  const names = await o.fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    throw new ConfigError([{ file: o.display(dir), message: e.code === "ENOENT" ? "no such profile directory" : `cannot read the profile directory: ${e.code ?? e.message}` }], {
      hint: "pass -f DIR, or set profiles.dir in pxectl.yaml (see examples/)",
    });
  });
  const files = names.filter((n) => /\.ya?ml$/.test(n)).sort();
  const problems: ConfigProblem[] = [];
  const profiles: DeclaredProfile[] = [];
  const groups: DeclaredGroup[] = [];
  const invalidProfiles = new Set<string>();
  const root = resolve(dir);
  const readLocal = (path: string): Uint8Array | undefined => {
    const full = resolve(root, path);
    if (full !== root && !full.startsWith(root + sep)) return undefined;
    try {
      return o.readFileSync(full);
    } catch {
      return undefined;
    }
  };
  for (const name of files) {
    const path = join(dir, name);
    const file = o.display(path);
    let docs: Located[];
    const text = await o.fs.readFile(path, "utf8");
    try {
      docs = parseYamlAll(text, file);
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
      continue;
    }
    docs.forEach((doc, index) => {
      const w: Where = { file, doc, index };
      const found = validateLocated(schema, doc);
      if (found.length > 0) {
        // a profile with a mistake is still declared: groups naming it get no second, misleading error
        const value = doc.value as { kind?: unknown; id?: unknown } | null;
        if (value && typeof value === "object" && value.kind === "profile" && typeof value.id === "string") invalidProfiles.add(value.id);
        const noKind = found.some((p) => p.message === 'missing required key "kind"');
        problems.push(...(noKind ? [{ ...found[0]!, message: 'missing required key "kind" (profile or group); configs belong in a subfolder, named by a profile\'s config:' }] : found));
        return;
      }
      const raw = doc.value as RawProfile | RawGroup;
      if (raw.kind === "profile") {
        let config: ConfigSource | undefined;
        if (typeof raw.config === "object") config = inlineSource(w, raw.config.inline, text);
        else if (typeof raw.config === "string") {
          const bytes = readLocal(raw.config);
          if (!bytes) problems.push(at(w, ["config"], `cannot read config file "${raw.config}" (relative to ${o.display(dir) || "."})`));
          else config = { text: Buffer.from(bytes).toString("utf8"), file: o.display(resolve(root, raw.config)), lineOffset: 0, columnOffset: 0 };
        }
        const boot = raw.boot ? { kernel: raw.boot.kernel, initrd: raw.boot.initrd ?? [], args: raw.boot.args ?? [] } : undefined;
        profiles.push({ id: raw.id, name: raw.name ?? "", boot, config, where: w });
      } else {
        const selector: Record<string, string> = {};
        let badMac = false;
        for (const [k, v] of Object.entries(raw.selector ?? {})) {
          if (k.toLowerCase() !== "mac") selector[k] = String(v);
          else {
            const mac = normalizeMac(String(v));
            if (mac) selector[k] = mac;
            else {
              badMac = true;
              problems.push(at(w, ["selector", k], `invalid MAC address "${String(v)}"; use 6 hex octets such as 52:54:00:a1:9c:ae (any of : - . separators)`));
            }
          }
        }
        // without its MAC the selector would clash with others': one problem, not two
        if (badMac) return;
        groups.push({ id: raw.id, name: raw.name ?? "", profile: raw.profile, selector, metadata: raw.metadata ?? {}, where: w });
      }
    });
  }
  problems.push(...crossCheck(profiles, groups, invalidProfiles));
  if (problems.length > 0) throw new ConfigError(problems, { hint: HINT });
  return { dir, profiles, groups, readLocal };
}

function selectorKey(selector: Record<string, string>): string {
  return Object.entries(selector).map(([k, v]) => `${k}=${v}`).sort().join(",");
}

function crossCheck(profiles: DeclaredProfile[], groups: DeclaredGroup[], invalidProfiles: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, Where>();
  for (const p of profiles) {
    const before = seen.get(p.id);
    if (before) problems.push(at(p.where, ["id"], `profile "${p.id}" is declared twice (also ${before.file}, document ${before.index + 1})`));
    else seen.set(p.id, p.where);
  }
  const groupIds = new Map<string, Where>();
  const selectors = new Map<string, DeclaredGroup>();
  for (const g of groups) {
    const before = groupIds.get(g.id);
    if (before) problems.push(at(g.where, ["id"], `group "${g.id}" is declared twice (also ${before.file}, document ${before.index + 1})`));
    else groupIds.set(g.id, g.where);
    if (!seen.has(g.profile) && !invalidProfiles.has(g.profile)) {
      const guess = closest(g.profile, seen.keys());
      problems.push(at(g.where, ["profile"], `no profile "${g.profile}" is declared${guess ? `; did you mean "${guess}"?` : ""}`));
    }
    const key = selectorKey(g.selector);
    const twin = selectors.get(key);
    if (twin) {
      const what = key === "" ? "both have no selector (two default groups)" : `have the same selector {${key}}`;
      problems.push(at(g.where, key === "" ? ["id"] : ["selector"], `groups "${twin.id}" and "${g.id}" ${what}; matchbox would pick one of them arbitrarily`));
    } else selectors.set(key, g);
  }
  return problems;
}
