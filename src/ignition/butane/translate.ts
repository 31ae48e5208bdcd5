// Butane -> Ignition, done by pxectl itself: a walk of the Butane document guided by the
// vendored Ignition schema of the target spec. Keys are renamed snake_case -> camelCase,
// inline/local contents become data URLs, *_local keys read files from the files
// directory, with_mount_unit adds units. Unknown keys are errors with a did-you-mean.
import type { PathSegment } from "../../config/yaml";
import { closest } from "../../core/text";
import { makeDataUrl } from "../dataurl";
import type { PathProblem } from "../problems";
import { type ObjectShape, type SchemaNode, ignitionShape } from "../schema";
import type { ButaneVariant } from "../variants";
import { EXTRA_KEYS, UNSUPPORTED_KEYS, snakeCase } from "./keys";
import { type FilesystemFields, mountUnit } from "./mount";

/** ReadLocal reads a file named by local:/contents_local: relative to the files directory. */
export type ReadLocal = (path: string) => Uint8Array | undefined;

/** Translation is a translated config and, for each JSON path, the Butane path it came from. */
export interface Translation {
  config: Record<string, unknown>;
  problems: PathProblem[];
  /** sourcePath maps a path in the Ignition output back to the Butane input. */
  sourcePath(jsonPath: readonly PathSegment[]): readonly PathSegment[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

// Butane's snake_case names of a shape's keys, computed once per shape (1000 configs walk the same shapes)
const keysByShape = new WeakMap<ObjectShape, ReadonlyMap<string, string>>();

function butaneKeys(shape: ObjectShape): ReadonlyMap<string, string> {
  let keys = keysByShape.get(shape);
  if (!keys) {
    keys = new Map([...shape.properties.keys()].map((k) => [snakeCase(k), k]));
    keysByShape.set(shape, keys);
  }
  return keys;
}

class Translator {
  readonly problems: PathProblem[] = [];
  readonly origins = new Map<string, readonly PathSegment[]>();
  readonly mountUnits: Json[] = [];

  constructor(
    private readonly variant: ButaneVariant,
    private readonly readLocal: ReadLocal | undefined,
  ) {}

  problem(path: readonly PathSegment[], message: string, which: "key" | "value" = "value"): void {
    this.problems.push({ path, which, message });
  }

  walk(value: unknown, node: SchemaNode, from: readonly PathSegment[], to: readonly PathSegment[]): unknown {
    this.origins.set(to.join("/"), from);
    if (node.kind === "array" && Array.isArray(value)) return value.map((v, i) => this.walk(v, node.items, [...from, i], [...to, i]));
    if (node.kind === "object" && isObject(value)) return this.walkObject(value, node.shape, from, to);
    return value; // a wrong type is left for the JSON Schema check, which reports it at this path
  }

  private walkObject(value: Json, shape: ObjectShape, from: readonly PathSegment[], to: readonly PathSegment[]): Json {
    const out: Json = {};
    const camelOf = butaneKeys(shape);
    const extras = EXTRA_KEYS[shape.definition] ?? [];
    for (const [key, child] of Object.entries(value)) {
      const unsupported = UNSUPPORTED_KEYS[shape.definition]?.[key];
      const camel = camelOf.get(key);
      if (unsupported) this.problem([...from, key], unsupported, "key");
      else if (shape.definition === "storage/luks" && key === "clevis" && this.variant.variant === "flatcar") {
        this.problem([...from, key], "clevis is not supported by Flatcar", "key");
      } else if (camel) out[camel] = this.walk(child, shape.properties.get(camel)!, [...from, key], [...to, camel]);
      else if (!extras.includes(key)) this.unknownKey(key, [...camelOf.keys(), ...extras], from);
    }
    switch (shape.definition) {
      case "resource":
        this.resource(value, out, from, to);
        break;
      case "systemd/unit":
      case "systemd/dropin":
        this.contentsLocal(value, out, from, to);
        break;
      case "passwd/user":
        this.sshKeysLocal(value, out, from);
        break;
      case "storage/filesystem":
        if (value.with_mount_unit === true) this.mountUnit(out, [...from, "with_mount_unit"]);
        break;
    }
    return out;
  }

  private unknownKey(key: string, allowed: string[], at: readonly PathSegment[]): void {
    const snake = snakeCase(key);
    const guess = allowed.includes(snake) ? snake : closest(key, allowed);
    const tail = guess ? `did you mean "${guess}"?` : `expected one of: ${allowed.join(", ")}`;
    this.problem([...at, key], `unknown key "${key}"; ${tail}`, "key");
  }

  private resource(value: Json, out: Json, from: readonly PathSegment[], to: readonly PathSegment[]): void {
    const given = (["source", "inline", "local"] as const).filter((k) => value[k] !== undefined && value[k] !== null);
    if (given.length > 1) {
      this.problem([...from, given[1]!], `only one of ${given.join(" and ")} may be set`, "key");
      return;
    }
    let contents: Uint8Array | undefined;
    if (given[0] === "inline") {
      if (typeof value.inline !== "string") return this.problem([...from, "inline"], "must be a string (use a block scalar: inline: |)");
      contents = Buffer.from(value.inline, "utf8");
    } else if (given[0] === "local") {
      contents = this.local(value.local, [...from, "local"]);
    }
    if (!contents) return;
    const url = makeDataUrl(contents, value.compression as string | null | undefined);
    out.source = url.source;
    this.origins.set([...to, "source"].join("/"), [...from, given[0]!]);
    if (url.compression !== undefined) out.compression = url.compression;
  }

  private local(name: unknown, at: readonly PathSegment[]): Uint8Array | undefined {
    if (typeof name !== "string") return void this.problem(at, "must be a file name (a string)");
    if (!this.readLocal) return void this.problem(at, "local files need a files directory; inline the contents instead");
    const bytes = this.readLocal(name);
    if (!bytes) this.problem(at, `cannot read "${name}" from the files directory (it must be inside it)`);
    return bytes;
  }

  private contentsLocal(value: Json, out: Json, from: readonly PathSegment[], to: readonly PathSegment[]): void {
    if (value.contents_local === undefined) return;
    if (value.contents !== undefined) return this.problem([...from, "contents_local"], "only one of contents and contents_local may be set", "key");
    const bytes = this.local(value.contents_local, [...from, "contents_local"]);
    if (!bytes) return;
    out.contents = Buffer.from(bytes).toString("utf8");
    this.origins.set([...to, "contents"].join("/"), [...from, "contents_local"]);
  }

  private sshKeysLocal(value: Json, out: Json, from: readonly PathSegment[]): void {
    const files = value.ssh_authorized_keys_local;
    if (files === undefined) return;
    if (!Array.isArray(files)) return this.problem([...from, "ssh_authorized_keys_local"], "must be a list of file names");
    const keys = Array.isArray(out.sshAuthorizedKeys) ? [...(out.sshAuthorizedKeys as unknown[])] : [];
    files.forEach((f, i) => {
      const bytes = this.local(f, [...from, "ssh_authorized_keys_local", i]);
      if (bytes) keys.push(...Buffer.from(bytes).toString("utf8").split(/\r?\n/).filter((l) => l !== ""));
    });
    out.sshAuthorizedKeys = keys;
  }

  private mountUnit(fs: Json, at: readonly PathSegment[]): void {
    const parent = at.slice(0, -1);
    if (typeof fs.format !== "string" || fs.format === "") return this.problem([...parent], "with_mount_unit needs a format", "key");
    if (fs.format !== "swap" && (typeof fs.path !== "string" || fs.path === "")) return this.problem([...parent], "with_mount_unit needs a path", "key");
    this.mountUnits.push(mountUnit(fs as unknown as FilesystemFields));
  }
}

/** mergeUnits puts generated units first; a user unit of the same name overrides their fields, as Butane merges. */
function mergeUnits(generated: Json[], config: Json): void {
  if (generated.length === 0) return;
  const systemd = isObject(config.systemd) ? config.systemd : (config.systemd = {});
  const user = Array.isArray(systemd.units) ? (systemd.units as Json[]) : [];
  const names = new Set(generated.map((u) => u.name));
  const merged = generated.map((g) => ({ ...g, ...(user.find((u) => u.name === g.name) ?? {}) }));
  systemd.units = [...merged, ...user.filter((u) => !names.has(u.name))];
}

/** translateButane translates a parsed Butane document for its variant; problems are located by Butane path. */
export function translateButane(value: Record<string, unknown>, variant: ButaneVariant, readLocal?: ReadLocal): Translation {
  const t = new Translator(variant, readLocal);
  const config = t.walk(value, ignitionShape(variant.spec), [], []) as Json;
  mergeUnits(t.mountUnits, config);
  const ignition = isObject(config.ignition) ? config.ignition : {};
  config.ignition = { ...ignition, version: variant.spec };
  return {
    config,
    problems: t.problems,
    sourcePath: (jsonPath) => {
      for (let n = jsonPath.length; n >= 0; n--) {
        const from = t.origins.get(jsonPath.slice(0, n).join("/"));
        if (from) return from;
      }
      return [];
    },
  };
}
