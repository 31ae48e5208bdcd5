// Declared profiles and groups -> the objects matchbox should hold. A profile whose config
// or boot strings read group-level data (node, group, a group's metadata or selector) is
// rendered once per group that selects it, as profile "<profile>@<group>"; any other
// profile is rendered once. Each config is validated and stored content-addressed as
// "<profile>.<sha256 prefix>.ign", so a profile switches atomically to a new config.
import { ConfigError } from "../../core/errors";
import { type CompiledConfig, type Template, type TemplateOrigin, compileTemplate, isTemplate } from "../../ignition";
import type { Group, Profile } from "../types";
import { ConfigCache } from "./config-cache";
import type { DeclaredGroup, DeclaredProfile, ProfileDirectory } from "./directory";

/** TemplateVariables are the values every template sees: pxectl.yaml's variables, matchbox, assets... */
export type TemplateVariables = Record<string, unknown>;

/** DesiredConfig is a rendered, validated Ignition config. */
export interface DesiredConfig {
  name: string;
  profile: string;
  /** compiled returns the config (compiled when first asked, if a cache answered for it). */
  readonly compiled: () => CompiledConfig;
}

/** Desired is what matchbox should hold after an apply. */
export interface Desired {
  profiles: Map<string, Profile>;
  groups: Map<string, Group>;
  configs: Map<string, DesiredConfig>;
  warnings: string[];
}

const GROUP_ROOTS = ["node", "group"];

interface PreparedProfile {
  declared: DeclaredProfile;
  config?: Template;
  boot: { kernel: Template; initrd: Template[]; args: Template[] };
  roots: Set<string>;
}

function plain(text: string, origin: TemplateOrigin): Template {
  return isTemplate(text) ? compileTemplate(text, origin) : { origin, roots: new Set(), render: () => text };
}

function prepare(p: DeclaredProfile): PreparedProfile {
  // a boot string's problems are placed in its file: the string's own position, plus the place in it
  // located only when a problem is reported: locating parses the whole file again, with
  // positions, which for a file of thousands of groups costs more than rendering them all
  const at = (...path: Array<string | number>): TemplateOrigin => {
    let pos: { line: number; column: number } | undefined | null = null;
    const locate = () => (pos === null ? (pos = p.where.doc.locate(["boot", ...path])) : pos);
    return {
      file: p.where.file,
      get lineOffset() {
        const found = locate();
        return found && found.line - 1;
      },
      get columnOffset() {
        const found = locate();
        return found && found.column - 1;
      },
    };
  };
  const config = p.config && plain(p.config.text, { file: p.config.file, lineOffset: p.config.lineOffset, columnOffset: p.config.columnOffset });
  const boot = {
    kernel: plain(p.boot?.kernel ?? "", at("kernel")),
    initrd: (p.boot?.initrd ?? []).map((s, i) => plain(s, at("initrd", i))),
    args: (p.boot?.args ?? []).map((s, i) => plain(s, at("args", i))),
  };
  const roots = new Set([...(config?.roots ?? []), ...[boot.kernel, ...boot.initrd, ...boot.args].flatMap((t) => [...t.roots])]);
  return { declared: p, config, boot, roots };
}

function perGroup(p: PreparedProfile, groups: readonly DeclaredGroup[]): boolean {
  if (p.roots.has("*") || GROUP_ROOTS.some((r) => p.roots.has(r))) return true;
  return groups.some((g) => Object.keys(g.metadata).some((k) => p.roots.has(k)) || Object.keys(g.selector).some((k) => p.roots.has(k.toLowerCase())));
}

/** groupContext builds a group's template data: like matchbox, metadata then selectors at the top, plus node and group. */
function groupContext(base: TemplateVariables, g: DeclaredGroup): TemplateVariables {
  const selector = Object.fromEntries(Object.entries(g.selector).map(([k, v]) => [k.toLowerCase(), v]));
  const node: Record<string, string> = { name: g.name || g.id };
  if (selector.mac) node.mac = selector.mac;
  return { ...base, ...g.metadata, ...selector, node, group: { id: g.id, name: g.name, selector: g.selector, metadata: g.metadata } };
}

function renderWith(t: Template, context: object, forGroup: DeclaredGroup | undefined): string {
  try {
    return t.render(context);
  } catch (e) {
    if (e instanceof ConfigError && forGroup) {
      throw new ConfigError(e.problems.map((p) => ({ ...p, message: `${p.message} (rendering for group "${forGroup.id}")` })), { hint: e.hint });
    }
    throw e;
  }
}

/** configName is the content-addressed name of a config in matchbox's ignition folder, from the SHA-256 (hex) of its JSON. */
export function configName(profileId: string, sha256: string): string {
  return `${profileId}.${sha256.slice(0, 12)}.ign`;
}

/** renderDesired renders every profile (per group where needed), config and group; problems throw ConfigError. A cache skips compiling configs compiled before. */
export function renderDesired(dir: ProfileDirectory, variables: TemplateVariables, cache: ConfigCache = ConfigCache.empty()): Desired {
  const desired: Desired = { profiles: new Map(), groups: new Map(), configs: new Map(), warnings: [] };
  const warned = new Set<string>();
  const emit = (p: PreparedProfile, id: string, context: object, group?: DeclaredGroup): void => {
    let ignitionId = "";
    if (p.config) {
      const compiled = cache.compile({ text: renderWith(p.config, context, group), origin: p.config.origin, readLocal: (path) => dir.readLocal(path) });
      for (const w of compiled.warnings) {
        const line = `${w.file}:${w.line ?? 1}:${w.column ?? 1}: ${w.message}`;
        if (!warned.has(line)) desired.warnings.push(line);
        warned.add(line);
      }
      ignitionId = configName(id, compiled.sha256);
      desired.configs.set(ignitionId, { name: ignitionId, profile: id, compiled: compiled.compiled });
    }
    const r = (t: Template) => renderWith(t, context, group);
    desired.profiles.set(id, {
      id,
      name: p.declared.name,
      ignition_id: ignitionId,
      cloud_id: "",
      generic_id: "",
      boot: p.declared.boot ? { kernel: r(p.boot.kernel), initrd: p.boot.initrd.map(r), args: p.boot.args.map(r) } : { kernel: "", initrd: [], args: [] },
    });
  };
  const prepared = new Map(dir.profiles.map((p) => [p.id, prepare(p)]));
  const usersOf = new Map<string, DeclaredGroup[]>(dir.profiles.map((p) => [p.id, []]));
  for (const g of dir.groups) usersOf.get(g.profile)?.push(g);
  const split = new Set<string>();
  for (const p of prepared.values()) {
    const users = usersOf.get(p.declared.id)!;
    const profileContext = { ...variables, profile: { id: p.declared.id, name: p.declared.name } };
    if (perGroup(p, users)) {
      split.add(p.declared.id);
      for (const g of users) emit(p, `${p.declared.id}@${g.id}`, groupContext(profileContext, g), g);
    } else {
      emit(p, p.declared.id, profileContext);
    }
  }
  for (const g of dir.groups) {
    desired.groups.set(g.id, { id: g.id, name: g.name, profile: split.has(g.profile) ? `${g.profile}@${g.id}` : g.profile, selector: g.selector, metadata: g.metadata });
  }
  return desired;
}
