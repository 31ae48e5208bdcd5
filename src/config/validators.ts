// compileValidator: ajv's validator for a JSON Schema, compiled here at run time. The bundles
// replace this module (scripts/validators.mjs) with the validators of schemas/*.schema.json
// compiled at build time by the same ajv with the same options: compiling at run time cost
// about 100 ms of every command that reads a project.
import Ajv, { type AnySchema, type ValidateFunction } from "ajv";
import options from "./ajv-options.json";

let ajv: Ajv | undefined;

export function compileValidator(schema: AnySchema): ValidateFunction {
  ajv ??= new Ajv(options);
  return ajv.compile(schema);
}
