// The vendored Ignition JSON Schemas (schemas/vendor/ignition, Apache-2.0): compiled with
// ajv's draft-04 class for type checks, and walked by the key checker and the Butane
// translator, so that both know exactly the keys each spec version allows.
import AjvDraft04, { type ValidateFunction } from "ajv-draft-04";
import v3_0 from "../../schemas/vendor/ignition/v3_0/ignition.json";
import v3_1 from "../../schemas/vendor/ignition/v3_1/ignition.json";
import v3_2 from "../../schemas/vendor/ignition/v3_2/ignition.json";
import v3_3 from "../../schemas/vendor/ignition/v3_3/ignition.json";
import v3_4 from "../../schemas/vendor/ignition/v3_4/ignition.json";

/** IGNITION_SPECS are the spec versions pxectl accepts: those matchbox v0.11 can serve. */
export const IGNITION_SPECS = ["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0"] as const;
export type IgnitionSpec = (typeof IGNITION_SPECS)[number];

const SCHEMAS: Record<IgnitionSpec, object> = { "3.0.0": v3_0, "3.1.0": v3_1, "3.2.0": v3_2, "3.3.0": v3_3, "3.4.0": v3_4 };

interface RawSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, RawSchema>;
  required?: string[];
  items?: RawSchema;
  allOf?: RawSchema[];
  definitions?: Record<string, RawSchema>;
}

/** ObjectShape is a resolved object schema: its keys and where its definition came from. */
export interface ObjectShape {
  /** Where the shape is defined: "" (root), "resource", "storage/file", "systemd/unit", "storage.files[]"... */
  definition: string;
  properties: ReadonlyMap<string, SchemaNode>;
}

/** SchemaNode is one resolved schema position: an object, a list, or a leaf. */
export type SchemaNode = { kind: "object"; shape: ObjectShape } | { kind: "array"; items: SchemaNode } | { kind: "leaf" };

const ajv = new AjvDraft04({ allErrors: true, strict: false, verbose: true });
const validators = new Map<IgnitionSpec, ValidateFunction>();
const roots = new Map<IgnitionSpec, SchemaNode>();

/** ignitionValidator returns the compiled (cached) JSON Schema check for a spec version. */
export function ignitionValidator(spec: IgnitionSpec): ValidateFunction {
  let fn = validators.get(spec);
  if (!fn) {
    fn = ajv.compile(SCHEMAS[spec]);
    validators.set(spec, fn);
  }
  return fn;
}

/** ignitionShape returns the walkable schema tree of a spec version (cached). */
export function ignitionShape(spec: IgnitionSpec): SchemaNode {
  let root = roots.get(spec);
  if (!root) {
    const schema = SCHEMAS[spec] as RawSchema;
    root = resolve(schema, schema, "", new Map());
    roots.set(spec, root);
  }
  return root;
}

function lookup(root: RawSchema, ref: string): RawSchema {
  // refs look like #/definitions/storage/definitions/file
  let node: unknown = root;
  for (const part of ref.replace(/^#\//, "").split("/")) node = (node as Record<string, unknown>)[part];
  if (!node) throw new Error(`vendored schema has a dangling $ref ${ref}`);
  return node;
}

function resolve(root: RawSchema, node: RawSchema, definition: string, cache: Map<string, SchemaNode>): SchemaNode {
  if (node.$ref) {
    const name = node.$ref.replace(/^#\//, "").replace(/(^|\/)definitions\//g, "$1");
    const cached = cache.get(node.$ref);
    if (cached) return cached;
    const resolved = resolve(root, lookup(root, node.$ref), name, cache);
    cache.set(node.$ref, resolved);
    return resolved;
  }
  const parts = node.allOf ? node.allOf.map((p) => (p.$ref ? lookup(root, p.$ref) : p)) : [node];
  const properties = new Map<string, SchemaNode>();
  for (const part of parts) {
    for (const [key, child] of Object.entries(part.properties ?? {})) {
      properties.set(key, resolve(root, child, definition ? `${definition}.${key}` : key, cache));
    }
  }
  if (properties.size > 0) return { kind: "object", shape: { definition, properties } };
  const items = node.items ?? parts.find((p) => p.items)?.items;
  if (items) return { kind: "array", items: resolve(root, items, `${definition}[]`, cache) };
  return { kind: "leaf" };
}
