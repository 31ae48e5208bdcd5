// The legacy Container Linux Config (ct's YAML, which matchbox stopped rendering in
// v0.10.0) converted to Butane flatcar 1.1.0, the way Flatcar's own v2 -> v3 converter
// reads it: filesystem "root" means /, enable becomes enabled, files keep v2's default of
// overwrite: true, remote contents become source/compression/verification.
import type { PathSegment } from "../config/yaml";
import type { PathProblem } from "./problems";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** CLC_SUGAR are ct's high-level sections pxectl does not expand. */
const CLC_SUGAR = ["etcd", "flannel", "docker", "locksmith", "update", "networkd"];

/** looksLikeClc says whether a YAML document is a Container Linux Config rather than Butane or Ignition. */
export function looksLikeClc(value: Json): boolean {
  return value.variant === undefined && value.ignition === undefined && ["systemd", "storage", "passwd", ...CLC_SUGAR].some((k) => k in value);
}

function storageNode(node: unknown, at: PathSegment[], problems: PathProblem[], isFile: boolean): unknown {
  if (!isObject(node)) return node;
  const { filesystem, contents, ...rest } = node;
  if (filesystem !== undefined && filesystem !== "root") {
    problems.push({ path: [...at, "filesystem"], which: "value", message: `filesystem ${JSON.stringify(filesystem)}: only "root" can be converted; give the full path instead` });
  }
  const out: Json = { ...rest };
  if (isFile) {
    out.overwrite ??= true; // Ignition v2 replaced existing files by default; v3 refuses to
    if (isObject(contents)) {
      const { remote, ...c } = contents;
      const converted: Json = { ...c };
      if (isObject(remote)) {
        converted.source = remote.url;
        if (remote.compression !== undefined) converted.compression = remote.compression;
        const hash = isObject(remote.verification) && isObject(remote.verification.hash) ? remote.verification.hash : undefined;
        if (hash) converted.verification = { hash: `${String(hash.function)}-${String(hash.sum)}` };
      }
      out.contents = converted;
    } else if (contents !== undefined) {
      out.contents = contents;
    }
  }
  return out;
}

/** clcToButane converts a Container Linux Config; problems name what cannot be converted. */
export function clcToButane(value: Json): { butane: Json; problems: PathProblem[] } {
  const problems: PathProblem[] = [];
  for (const key of CLC_SUGAR) {
    if (key in value) problems.push({ path: [key], which: "key", message: `the Container Linux Config section "${key}" cannot be converted; write the units or files it stands for` });
  }
  const butane: Json = { variant: "flatcar", version: "1.1.0" };
  for (const [key, section] of Object.entries(value)) {
    if (CLC_SUGAR.includes(key)) continue;
    if (key === "storage" && isObject(section)) {
      const storage: Json = { ...section };
      for (const kind of ["files", "directories", "links"] as const) {
        if (Array.isArray(section[kind])) storage[kind] = section[kind].map((n, i) => storageNode(n, ["storage", kind, i], problems, kind === "files"));
      }
      butane.storage = storage;
    } else if (key === "systemd" && isObject(section) && Array.isArray(section.units)) {
      butane.systemd = {
        ...section,
        units: (section.units as unknown[]).map((u): unknown => {
          if (!isObject(u) || u.enable === undefined) return u;
          const { enable, ...rest } = u;
          return { ...rest, enabled: rest.enabled ?? enable };
        }),
      };
    } else {
      butane[key] = section;
    }
  }
  return { butane, problems };
}
