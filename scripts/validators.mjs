// Validators compiled at build time: an esbuild plugin that replaces src/config/validators.ts
// with ajv's standalone code for every schemas/*.schema.json, made with the options in
// src/config/ajv-options.json. A schema not found there (none today) is still compiled at run
// time, by the same ajv, so the bundle behaves as the sources do, only sooner.
// The single binary's build splits them (splitValidators): each schema's validator, and ajv
// for the run-time case, is a module of its own that the binary loads when first asked for,
// so a command that reads the project file does not load the state's validator or ajv.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

function loadSchemas(root) {
  const schemas = join(root, "schemas");
  return readdirSync(schemas)
    .filter((f) => f.endsWith(".schema.json"))
    .sort()
    .map((file) => {
      const schema = JSON.parse(readFileSync(join(schemas, file), "utf8"));
      if (!schema.$id) throw new Error(`build: schemas/${file} has no $id: validators are looked up by it`);
      return schema;
    });
}

function ajvFor(root, esm) {
  const require = createRequire(join(root, "package.json"));
  const Ajv = require("ajv").default;
  const standaloneCode = require("ajv/dist/standalone").default;
  const options = JSON.parse(readFileSync(join(root, "src/config/ajv-options.json"), "utf8"));
  return { ajv: new Ajv({ ...options, code: { source: true, esm } }), standaloneCode, options };
}

/** standaloneValidators returns a module exporting compileValidator, as src/config/validators.ts does. */
export function standaloneValidators(root, { esm = true } = {}) {
  const { ajv, standaloneCode, options } = ajvFor(root, esm);
  const exportsById = {};
  for (const [i, schema] of loadSchemas(root).entries()) {
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

const RUN_TIME = "validator-run-time";
const NAMESPACE = "pxectl-validator";

/**
 * splitValidators is precompiledValidators for the single binary's chunks: entries lists the
 * modules to add to esbuild's entryPoints, each becoming the chunk "<name>.js" that
 * src/config/validators.ts, replaced, requires synchronously (the binary's chunk loader does).
 */
export function splitValidators(root) {
  const schemas = loadSchemas(root);
  const names = schemas.map((_, i) => `validator-${i}`);
  const modules = new Map();
  const plugin = {
    name: "precompiled-validators",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]config[\\/]validators\.ts$/ }, () => {
        const table = schemas.map((s, i) => `[${JSON.stringify(s.$id)}, () => require("./${names[i]}.js").validate]`).join(", ");
        const contents = `const PRECOMPILED = new Map([${table}]);
export function compileValidator(schema) {
  const load = PRECOMPILED.get(schema && schema.$id);
  return load ? load() : require("./${RUN_TIME}.js").compileValidator(schema);
}
`;
        return { contents, loader: "js" };
      });
      // the chunks themselves, required at run time by the binary's loader, not bundled here
      build.onResolve({ filter: /^\.\/validator-[\w-]+\.js$/ }, (a) => (a.kind === "entry-point" ? undefined : { path: a.path, external: true }));
      build.onResolve({ filter: /^validator-[\w-]+$/ }, (a) => ({ path: a.path, namespace: NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (a) => {
        if (!modules.has(a.path)) {
          if (a.path === RUN_TIME) {
            const { options } = ajvFor(root, true);
            modules.set(a.path, `import Ajv from "ajv";\nlet ajv;\nexport function compileValidator(schema) {\n  ajv ??= new Ajv(${JSON.stringify(options)});\n  return ajv.compile(schema);\n}\n`);
          } else {
            const { ajv, standaloneCode } = ajvFor(root, true);
            const schema = schemas[names.indexOf(a.path)];
            ajv.addSchema(schema);
            modules.set(a.path, standaloneCode(ajv, { validate: schema.$id }));
          }
        }
        return { contents: modules.get(a.path), loader: "js", resolveDir: root };
      });
    },
  };
  return { plugin, entries: [...names, RUN_TIME] };
}
