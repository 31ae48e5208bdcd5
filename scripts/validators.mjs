// Validators compiled at build time: an esbuild plugin that replaces src/config/validators.ts
// with ajv's standalone code for every schemas/*.schema.json, made with the options in
// src/config/ajv-options.json. A schema not found there (none today) is still compiled at run
// time, by the same ajv, so the bundle behaves as the sources do, only sooner.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/** standaloneValidators returns a module exporting compileValidator, as src/config/validators.ts does. */
export function standaloneValidators(root, { esm = true } = {}) {
  const require = createRequire(join(root, "package.json"));
  const Ajv = require("ajv").default;
  const standaloneCode = require("ajv/dist/standalone").default;
  const options = JSON.parse(readFileSync(join(root, "src/config/ajv-options.json"), "utf8"));
  const ajv = new Ajv({ ...options, code: { source: true, esm } });
  const exportsById = {};
  const schemas = join(root, "schemas");
  for (const [i, file] of readdirSync(schemas).filter((f) => f.endsWith(".schema.json")).sort().entries()) {
    const schema = JSON.parse(readFileSync(join(schemas, file), "utf8"));
    if (!schema.$id) throw new Error(`build: schemas/${file} has no $id: validators are looked up by it`);
    ajv.addSchema(schema);
    exportsById[`validator${i}`] = schema.$id;
  }
  const table = Object.entries(exportsById).map(([name, id]) => `[${JSON.stringify(id)}, ${esm ? name : `exports.${name}`}]`).join(", ");
  const exportKeyword = esm ? "export function" : "exports.compileValidator = function";
  return `${standaloneCode(ajv, exportsById)}
const PRECOMPILED = new Map([${table}]);
let ajvAtRunTime;
${exportKeyword} compileValidator(schema) {
  const fn = PRECOMPILED.get(schema && schema.$id);
  if (fn) return fn;
  const Ajv = require("ajv").default;
  ajvAtRunTime ??= new Ajv(${JSON.stringify(options)});
  return ajvAtRunTime.compile(schema);
}
`;
}

/** precompiledValidators is the esbuild plugin. */
export function precompiledValidators(root) {
  let contents;
  return {
    name: "precompiled-validators",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]config[\\/]validators\.ts$/ }, () => {
        contents ??= standaloneValidators(root);
        return { contents, loader: "js", resolveDir: join(root, "src/config") };
      });
    },
  };
}
