// What matchbox's templates and /metadata see (http/parse.go collectVariables, metadata.go
// renderAsEnvFile), and the small part of Go's text/template the test server renders.
import { labelsFromQuery } from "../../../src/matchbox/labels";
import type { StoredGroup } from "./store";

/** collectVariables: the group's metadata, then its selectors (keys lower-cased), then request.{query,raw_query}. */
export function collectVariables(rawQuery: string, group: StoredGroup): Record<string, unknown> {
  const data: Record<string, unknown> = { request: {} };
  if (group.metadata) Object.assign(data, JSON.parse(group.metadata.toString("utf8")) as Record<string, unknown>);
  for (const [k, v] of Object.entries(group.selector)) data[k.toLowerCase()] = v;
  data.request = { query: labelsFromQuery(rawQuery).labels, raw_query: rawQuery };
  return data;
}

/** goFloat is fmt's %v of a float64 (JSON numbers decode to float64): %g, shortest digits, exponent from 1e+06 on and below 1e-04. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  const [mantissa, exponent] = n.toExponential().split("e") as [string, string];
  const exp = Number(exponent);
  if (exp < -4 || exp >= 21 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(n);
}

/** goValue is fmt's %v of a decoded JSON value: maps as map[k:v ...] (keys sorted), slices as [a b], nil as <nil>. */
export function goValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  const o = v as Record<string, unknown>;
  return `map[${Object.keys(o).sort().map((k) => `${k}:${goValue(o[k])}`).join(" ")}]`;
}

/** renderEnvFile is renderAsEnvFile: KEY=value lines, nested maps joined with "_", lists and nulls dropped. Go's
 * map order is random; this writes keys sorted. */
export function renderEnvFile(root: Record<string, unknown>, prefix = ""): string {
  let out = "";
  for (const key of Object.keys(root).sort()) {
    const value = root[key];
    const name = prefix + key;
    if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") out += `${name.toUpperCase()}=${goValue(value)}\n`;
    else if (typeof value === "object" && value !== null && !Array.isArray(value)) out += renderEnvFile(value as Record<string, unknown>, name + "_");
  }
  return out;
}

/** TemplateError carries the Go-like message matchbox logs, and which of its two log lines applies. */
export class TemplateError extends Error {
  constructor(
    readonly stage: "parsing" | "rendering",
    message: string,
  ) {
    super(message);
  }
}

/**
 * renderGoTemplate renders text/template with missingkey=error for what generic configs
 * usually hold: {{.field}} and {{.a.b}} actions. Anything else (range, if, pipelines) is
 * refused as a parse error: pxectl renders its templates itself and pushes none of these.
 */
export function renderGoTemplate(text: string, data: Record<string, unknown>): string {
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/gs, (_m, action: string) => {
    if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(action)) {
      throw new TemplateError("parsing", `template: :1: the matchbox test server renders only {{.field}} actions, not {{${action}}}`);
    }
    let v: unknown = data;
    for (const key of action.slice(1).split(".")) {
      if (typeof v !== "object" || v === null || !(key in v)) throw new TemplateError("rendering", `template: :1: executing "" at <${action}>: map has no entry for key "${key}"`);
      v = (v as Record<string, unknown>)[key];
    }
    return v === null ? "<no value>" : goValue(v);
  });
}
