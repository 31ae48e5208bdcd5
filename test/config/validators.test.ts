// The bundles validate with ajv code compiled at build time (scripts/validators.mjs); the
// sources compile at run time. Both must accept, reject, explain and fill in defaults alike.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AnySchema, ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { standaloneValidators } from "../../scripts/validators.mjs";
import { emptyState } from "../../src/config/state";
import { describeErrors } from "../../src/config/validate";
import { compileValidator } from "../../src/config/validators";
import { parseYamlAll } from "../../src/config/yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const schemas = new Map<string, AnySchema>();
// one object per schema, as the sources import it: ajv keeps one schema per $id
const schema = (name: string): AnySchema => {
  if (!schemas.has(name)) schemas.set(name, JSON.parse(readFileSync(join(root, "schemas", name), "utf8")) as AnySchema);
  return schemas.get(name)!;
};

function loadPrecompiled(): (schema: AnySchema) => ValidateFunction {
  const module = { exports: {} as { compileValidator?: (schema: AnySchema) => ValidateFunction } };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the generated module, as the bundle holds it
  new Function("exports", "require", "module", standaloneValidators(root, { esm: false }))(module.exports, createRequire(join(root, "package.json")), module);
  return module.exports.compileValidator!;
}

const yamlDocs = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => parseYamlAll(readFileSync(join(root, dir, f), "utf8"), f).map((d) => d.value));

const CASES: Record<string, unknown[]> = {
  "pxectl.schema.json": [
    ...yamlDocs("examples"),
    { name: "demo" },
    { name: "demo", sakuracloud: { zoen: "is1a" } },
    { name: "demo", widgets: 3 },
    { name: "demo", matchbox: { http_port: "eighty" } },
    { name: "demo", network: { dhcp: "ful", address: "192.168.0.1", dns_servers: ["1.1.1.1", "one"] } },
    { provider: "sakuracloud" },
    { name: "demo", provider: "existing", host: { ssh_port: 22 } },
    [],
    "text",
  ],
  "state.schema.json": [emptyState(0), { ...emptyState(0), resources: { switch: { id: 3 } } }, { schema_version: "one" }],
  "profiles.schema.json": [...yamlDocs("examples/profiles"), ...yamlDocs("examples/seed"), { kind: "profile" }, { kind: "group", id: 7, selector: [] }, {}],
};

describe("validators compiled at build time", () => {
  const precompiled = loadPrecompiled();

  it("cover every schema in schemas/", () => {
    const names = readdirSync(join(root, "schemas")).filter((f) => f.endsWith(".schema.json"));
    expect(names.sort()).toEqual(Object.keys(CASES).sort());
    for (const name of names) expect(precompiled(schema(name))).not.toBe(compileValidator(schema(name)));
  });

  it.each(Object.keys(CASES))("judge %s as ajv at run time does: result, messages and defaults", (name) => {
    const atRunTime = compileValidator(schema(name));
    const atBuildTime = precompiled(schema(name));
    let invalid = 0;
    for (const value of CASES[name]!) {
      const a = structuredClone(value);
      const b = structuredClone(value);
      const valid = atRunTime(a);
      expect(atBuildTime(b)).toBe(valid);
      expect(b).toEqual(a); // defaults filled in alike
      if (valid) continue;
      invalid++;
      expect(describeErrors(atBuildTime.errors ?? [])).toEqual(describeErrors(atRunTime.errors ?? []));
      expect(atBuildTime.errors?.map((e) => [e.keyword, e.instancePath, e.schemaPath, e.params])).toEqual(atRunTime.errors?.map((e) => [e.keyword, e.instancePath, e.schemaPath, e.params]));
    }
    expect(invalid).toBeGreaterThan(0);
  });

  it("compile a schema they do not hold at run time", () => {
    const other = { $id: "https://example.test/other.json", type: "object", properties: { n: { type: "integer", default: 1 } } };
    const validate = precompiled(other);
    const value = {};
    expect(validate(value)).toBe(true);
    expect(value).toEqual({ n: 1 });
    expect(validate({ n: "x" })).toBe(false);
  });
});
