// JSON Schema validation with ajv, turned into located one-line problems:
// "pxectl.yaml:7:3: sakuracloud.zone: must be one of is1a, ... (got "is9z")".
import type { AnySchema, ErrorObject, ValidateFunction } from "ajv";
import type { ConfigProblem } from "../core/errors";
import { closest, describeValue } from "../core/text";
import { compileValidator } from "./validators";
import type { Located, PathSegment } from "./yaml";

const compiled = new WeakMap<object, ValidateFunction>();

/** compileSchema compiles (once) a JSON Schema; defaults are filled in on validation. */
export function compileSchema(schema: AnySchema): ValidateFunction {
  const key = schema as object;
  let fn = compiled.get(key);
  if (!fn) {
    fn = compileValidator(schema);
    compiled.set(key, fn);
  }
  return fn;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** formatPath writes a path as sakuracloud.zone or storage.files[2].mode. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((acc, s) => (typeof s === "number" ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
}

function describeSchemaExpectation(e: ErrorObject): string {
  const schema = e.parentSchema as { description?: string } | undefined;
  return schema?.description ? `expected ${schema.description}` : e.message ?? "invalid";
}

function messageFor(e: ErrorObject): SchemaMessage | undefined {
  const path = pointerToPath(e.instancePath);
  const got = `(got ${describeValue(e.data)})`;
  switch (e.keyword) {
    case "required": {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return { path, which: "key", message: `missing required key "${key}"` };
    }
    case "additionalProperties": {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const guess = closest(key, allowed);
      const tail = guess ? `did you mean "${guess}"?` : allowed.length > 0 ? `expected one of: ${allowed.join(", ")}` : "no keys are allowed here";
      return { path: [...path, key], which: "key", message: `unknown key "${key}"; ${tail}` };
    }
    case "type":
      return { path, which: "value", message: `must be ${articled(String((e.params as { type: string | string[] }).type))} ${got}` };
    case "enum": {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const guess = typeof e.data === "string" ? closest(e.data, allowed.map(String)) : undefined;
      return { path, which: "value", message: `must be one of ${allowed.map(String).join(", ")} ${got}${guess ? `; did you mean "${guess}"?` : ""}` };
    }
    case "const":
      return { path, which: "value", message: `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)} ${got}` };
    case "pattern":
    case "format":
      return { path, which: "value", message: `invalid value ${describeValue(e.data)}: ${describeSchemaExpectation(e)}` };
    case "if":
    case "anyOf":
    case "oneOf":
      return undefined; // the branch errors that follow say what is wrong
    default:
      return { path, which: "value", message: `${e.message ?? "invalid"} ${got}` };
  }
}

function articled(type: string): string {
  const names = type.split(",").map((t) => (t === "object" ? "mapping" : t === "array" ? "list" : t));
  const first = names.join(" or ");
  return /^[aeiou]/.test(first) ? `an ${first}` : `a ${first}`;
}

/** SchemaMessage is one ajv error as a one-line message at a document path. */
export interface SchemaMessage {
  path: PathSegment[];
  which: "key" | "value";
  message: string;
}

/** describeErrors turns ajv errors into one-line messages, without duplicates. */
export function describeErrors(errors: readonly ErrorObject[]): SchemaMessage[] {
  const seen = new Set<string>();
  const out: SchemaMessage[] = [];
  for (const e of errors) {
    const m = messageFor(e);
    if (!m) continue;
    const key = `${formatPath(m.path)}|${m.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/** validateLocated validates a parsed document and returns one problem per error. */
export function validateLocated(schema: AnySchema, doc: Located, value: unknown = doc.value): ConfigProblem[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  const problems: ConfigProblem[] = describeErrors(validate.errors ?? []).map((m) => {
    const path = formatPath(m.path);
    const at = doc.locate(m.path, m.which);
    return { file: doc.file, line: at?.line, column: at?.column, path: path || undefined, message: m.message };
  });
  if (problems.length === 0) problems.push({ file: doc.file, message: "does not match its schema" });
  // in file order, as a person fixes them
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
