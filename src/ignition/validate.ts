// Validation of an Ignition config before it is pushed: unknown keys (with did-you-mean),
// the vendored JSON Schema of its spec version, then the strict checks. Problems carry
// JSON paths; callers map them back to what the user wrote.
import { describeErrors } from "../config/validate";
import type { PathSegment } from "../config/yaml";
import { closest } from "../core/text";
import { checkIgnition } from "./checks";
import type { PathProblem } from "./problems";
import { type IgnitionSpec, type SchemaNode, ignitionShape, ignitionValidator } from "./schema";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function unknownKeys(value: unknown, node: SchemaNode, at: PathSegment[], out: PathProblem[]): void {
  if (node.kind === "array" && Array.isArray(value)) value.forEach((v, i) => unknownKeys(v, node.items, [...at, i], out));
  if (node.kind !== "object" || !isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const schema = node.shape.properties.get(key);
    if (schema) {
      unknownKeys(child, schema, [...at, key], out);
      continue;
    }
    const allowed = [...node.shape.properties.keys()];
    const guess = closest(key, allowed) ?? allowed.find((k) => k.toLowerCase() === key.replace(/_/g, "").toLowerCase());
    out.push({ path: [...at, key], which: "key", message: `unknown key "${key}"; ${guess ? `did you mean "${guess}"?` : `expected one of: ${allowed.join(", ")}`}` });
  }
}

/** validateIgnition returns every problem of a config for its spec version; none means it may be pushed. */
export function validateIgnition(config: Record<string, unknown>, spec: IgnitionSpec): PathProblem[] {
  const problems: PathProblem[] = [];
  unknownKeys(config, ignitionShape(spec), [], problems);
  const validate = ignitionValidator(spec);
  if (!validate(config)) problems.push(...describeErrors(validate.errors ?? []));
  if (problems.length > 0) return problems;
  return checkIgnition(config).map((p) => ({ ...p, which: "value" as const }));
}
