// One config, text in, Ignition JSON out: detect the format (Butane, raw Ignition or a
// legacy Container Linux Config), translate, validate. Every problem is located in the
// file the user edits; a config that comes out of here may be pushed to matchbox.
import { ConfigError, type ConfigProblem } from "../core/errors";
import { type Located, parseYaml } from "../config/yaml";
import { type ReadLocal, translateButane } from "./butane/translate";
import { clcToButane, looksLikeClc } from "./clc";
import { stringifyIgnition } from "./json";
import { type PathProblem, type SourceDoc, locateProblems } from "./problems";
import { IGNITION_SPECS, type IgnitionSpec } from "./schema";
import type { TemplateOrigin } from "./template";
import { validateIgnition } from "./validate";
import { describeVariants, findVariant } from "./variants";

/** ConfigFormat is how a config was written. */
export type ConfigFormat = "butane" | "ignition" | "clc";

/** ConfigInput is a config's (rendered) text and where it comes from. */
export interface ConfigInput {
  text: string;
  origin: TemplateOrigin;
  /** Reads local:/contents_local: files (Butane's --files-dir); absent means none may be read. */
  readLocal?: ReadLocal;
}

/** CompiledConfig is a valid Ignition config, ready to push. */
export interface CompiledConfig {
  format: ConfigFormat;
  spec: IgnitionSpec;
  /** "flatcar 1.1.0" for Butane input. */
  variant?: string;
  config: Record<string, unknown>;
  /** The bytes pxectl pushes: compact JSON in Butane's key order. */
  json: string;
  warnings: ConfigProblem[];
}

/**
 * TRANSLATION_REVISION names what compileConfig produces for a given input. Bump it in any
 * change that makes the same input compile to other bytes or warnings: caches of compiled
 * configs (pxectl profile apply's) key on it and on pxectl's version.
 */
export const TRANSLATION_REVISION = 1;

const HINT = "fix the config; pxectl profile plan checks every config without pushing anything";

function shifted(problems: readonly ConfigProblem[], origin: TemplateOrigin): ConfigProblem[] {
  return problems.map((p) => ({
    ...p,
    line: p.line === undefined ? undefined : p.line + (origin.lineOffset ?? 0),
    column: p.column === undefined ? undefined : p.column + (origin.columnOffset ?? 0),
  }));
}

function parse(input: ConfigInput): Located {
  const json = /^\s*\{/.test(input.text);
  try {
    // Butane reads YAML 1.1 (0644 is octal); JSON is read as YAML 1.2, which it is
    return parseYaml(input.text, input.origin.file, { version: json ? "1.2" : "1.1" });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(shifted(e.problems, input.origin), { hint: HINT });
    throw e;
  }
}

function fail(source: SourceDoc, problems: readonly PathProblem[], hint = HINT): never {
  throw new ConfigError(locateProblems(source, problems), { hint });
}

function butaneVariant(value: Record<string, unknown>, source: SourceDoc) {
  const found = findVariant(value.variant, value.version);
  if (found) return found;
  const show = (x: unknown, none: string) => (x === undefined ? none : typeof x === "string" ? x : JSON.stringify(x));
  const given = `${show(value.variant, "(no variant)")} ${show(value.version, "(no version)")}`;
  return fail(source, [{ path: [value.variant === undefined ? "version" : "variant"], which: "value", message: `unsupported Butane variant/version "${given}"; pxectl supports ${describeVariants()}` }],
    "matchbox v0.11 serves Ignition up to 3.4.0, which is what these variants produce");
}

/** compileConfig turns a config's text into validated Ignition, or throws a located ConfigError. */
export function compileConfig(input: ConfigInput): CompiledConfig {
  const doc = parse(input);
  const source: SourceDoc = { doc, lineOffset: input.origin.lineOffset ?? 0, columnOffset: input.origin.columnOffset ?? 0 };
  const value = doc.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail(source, [{ path: [], which: "value", message: "a config must be a mapping: start it with variant: flatcar and version: 1.1.0" }]);
  }
  const v = value as Record<string, unknown>;
  const warnings: ConfigProblem[] = [];
  let format: ConfigFormat;
  let config: Record<string, unknown>;
  let spec: IgnitionSpec;
  let variant: string | undefined;
  let sourcePath: (path: readonly (string | number)[]) => readonly (string | number)[] = (p) => p;
  if (v.variant !== undefined || v.version !== undefined || looksLikeClc(v)) {
    format = v.variant === undefined && v.version === undefined ? "clc" : "butane";
    let butane = v;
    if (format === "clc") {
      const converted = clcToButane(v);
      if (converted.problems.length > 0) fail(source, converted.problems);
      butane = converted.butane;
      warnings.push({ file: input.origin.file, line: 1 + source.lineOffset, column: 1, message: "a legacy Container Linux Config: pxectl converted it to Butane flatcar 1.1.0 (files get overwrite: true, as in Ignition v2); write it as Butane to silence this" });
    }
    const found = butaneVariant(butane, source);
    const translated = translateButane(butane, found, input.readLocal);
    if (translated.problems.length > 0) fail(source, translated.problems);
    ({ config } = translated);
    spec = found.spec;
    variant = `${found.variant} ${found.version}`;
    sourcePath = (p) => translated.sourcePath(p);
  } else if (typeof v.ignition === "object" && v.ignition !== null) {
    format = "ignition";
    const version = (v.ignition as { version?: unknown }).version;
    if (!IGNITION_SPECS.includes(version as IgnitionSpec)) {
      fail(source, [{ path: ["ignition", "version"], which: "value", message: `unsupported Ignition spec version ${JSON.stringify(version)}; pxectl accepts ${IGNITION_SPECS.join(", ")}` }],
        "matchbox v0.11 serves only Ignition 3.0.0 to 3.4.0; write the config as Butane (variant: flatcar, version: 1.1.0)");
    }
    spec = version as IgnitionSpec;
    config = structuredClone(v);
  } else {
    return fail(source, [{ path: [], which: "value", message: "not a Butane, Ignition or Container Linux Config: start it with variant: flatcar and version: 1.1.0" }]);
  }
  const problems = validateIgnition(config, spec);
  if (problems.length > 0) fail(source, problems.map((p) => ({ ...p, path: sourcePath(p.path) })));
  return { format, spec, variant, config, json: stringifyIgnition(config), warnings };
}
