// A fast first reading of YAML, for the common case. `yaml` keeps a source range for every
// node, which pxectl needs for its error positions, but building that tree is most of the
// cost of compiling 1000 per-node configs. js-yaml builds plain values ~5x faster. So a
// document is read with js-yaml, and `yaml` reads it again only when a position is asked
// for (a problem to report) or when the fast reading declines.
//
// Both must give the same values. js-yaml is therefore given `yaml`'s own scalar rules: its
// schema is built from the implicit tags of `yaml`'s schema for the same version (same
// tests, same resolve functions, same order), so 0644, yes, 1_000 or 2001-12-14 mean the
// same thing on both paths. Anything whose meaning could differ is declined rather than
// imitated: anchors and aliases (`yaml` bounds alias expansion), explicit tags, merge keys,
// directives, keys that are not plain strings, and every document js-yaml refuses (so
// syntax errors always come from `yaml`, with their positions). test/config/yaml-fast
// compares the two readings on every YAML file of the project and on the edge cases.
import jsyaml from "js-yaml";
import { Document, type ScalarTag, isScalar } from "yaml";

/** The YAML versions pxectl reads: 1.2 (pxectl's own files), 1.1 (Butane, as yaml.v3 reads it). */
export type YamlVersion = "1.1" | "1.2";

class Declined extends Error {}

const PRIVATE_TAG = "tag:pxectl,fast:";

function schemaFor(version: YamlVersion): jsyaml.Schema {
  const tags = new Document(null, { version }).schema.tags as ScalarTag[];
  // private tag names: an explicit !!int in a document finds no type and is declined,
  // instead of being resolved by whichever variant of int js-yaml registered last
  const implicit = tags
    .filter((t) => t.default && t.test && !t.test.test("<<"))
    .map((t, i) => new jsyaml.Type(`${PRIVATE_TAG}${version}:${i}`, {
      kind: "scalar",
      resolve: (data: unknown) => typeof data === "string" && t.test!.test(data),
      construct: (data: string) => {
        let failed = false;
        const resolved = t.resolve(data, () => (failed = true), { intAsBigInt: false });
        // some tags answer a Scalar node (1.1's booleans keep their spelling for writing back)
        const value = isScalar(resolved) ? resolved.value : resolved;
        if (failed || (typeof value === "object" && value !== null && !(value instanceof Date))) throw new Declined();
        return value;
      },
    }));
  return jsyaml.FAILSAFE_SCHEMA.extend({ implicit });
}

const schemas = new Map<YamlVersion, jsyaml.Schema>();
const schema = (version: YamlVersion) => {
  let s = schemas.get(version);
  if (!s) schemas.set(version, (s = schemaFor(version)));
  return s;
};

// `yaml` writes a null key as "" and a Date key as its source text; a flow collection key,
// a merge key or __proto__ are handled differently by the two libraries
const UNSURE_KEYS = new Set(["", "~", "null", "Null", "NULL", "<<", "__proto__", "[object Object]"]);

function plainKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(plainKeys);
  if (typeof value !== "object" || value === null || value instanceof Date) return true;
  for (const [key, v] of Object.entries(value)) {
    if (UNSURE_KEYS.has(key) || key.includes(",") || /^\w{3} \w{3} \d\d \d{4} /.test(key) || !plainKeys(v)) return false;
  }
  return true;
}

const options = (version: YamlVersion): jsyaml.LoadOptions => ({
  schema: schema(version),
  json: false,
  listener(event, loaderState) {
    // the loader's state also carries the node's anchor and tag (untyped in @types/js-yaml)
    const state = loaderState as typeof loaderState & { anchor?: string | null; tag?: string | null };
    // an anchor (and so any alias: one can only follow its anchor) or an explicit tag; a
    // plain scalar's tag is "?" or one of the private ones above, a quoted one has none
    if (event !== "close") return;
    if (state.anchor !== null && state.anchor !== undefined) throw new Declined();
    if (typeof state.tag === "string" && state.tag !== "?" && !state.tag.startsWith(PRIVATE_TAG)) throw new Declined();
  },
});

/**
 * decline is true for a stream with a directive (%YAML 1.1 changes `yaml`'s scalar rules) or
 * one of two shapes js-yaml 4.3 reads wrongly: an empty sequence item ("-" alone on its line
 * or before a comment), after which it moves the next items of the outer list into the
 * nested one, and a line starting with "---" or "..." run into more text, which it takes
 * for a document marker.
 */
function decline(text: string): boolean {
  return /^%|^[ \t]*(?:-[ \t]+)*-(?:[ \t]+#.*)?[ \t]*\r?$|^(?:---|\.\.\.)\S/m.test(text);
}

/** fastLoad reads one document, or returns undefined when `yaml` must read it. */
export function fastLoad(text: string, version: YamlVersion): { value: unknown } | undefined {
  if (decline(text)) return undefined;
  try {
    const value = jsyaml.load(text, options(version));
    if (value === undefined || !plainKeys(value)) return undefined;
    return { value };
  } catch {
    return undefined;
  }
}

/** fastLoadAll reads every document of a stream (empty ones dropped), or returns undefined when `yaml` must. */
export function fastLoadAll(text: string, version: YamlVersion): unknown[] | undefined {
  if (decline(text)) return undefined;
  try {
    const values = jsyaml.loadAll(text, undefined, options(version));
    if (!values.every(plainKeys)) return undefined;
    return values.filter((v) => v !== null && v !== undefined);
  } catch {
    return undefined;
  }
}
