// Checks the Ignition JSON Schema cannot express, run on every config before it is pushed:
// absolute and unique paths, sane modes, unit names with a type suffix, unique units,
// drop-ins named *.conf, valid data URLs and hashes, known compressions and URL schemes.
import type { PathSegment } from "../config/yaml";
import { decodeResource } from "./dataurl";
import { modeProblem } from "./modes";

/** JsonProblem is a problem at a path of the Ignition JSON. */
export interface JsonProblem {
  path: PathSegment[];
  message: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const UNIT_SUFFIX = /\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;
const URL_SCHEMES = ["http", "https", "tftp", "s3", "gs", "arn", "data"];
const HASH = /^(sha512-[0-9a-f]{128}|sha256-[0-9a-f]{64})$/;

function checkResource(r: unknown, at: PathSegment[], problems: JsonProblem[]): void {
  if (!isObject(r)) return;
  const { source, compression } = r;
  if (compression !== undefined && compression !== null && compression !== "" && compression !== "gzip") {
    problems.push({ path: [...at, "compression"], message: `unknown compression ${JSON.stringify(compression)}; expected gzip or nothing` });
  }
  if (typeof source === "string" && source !== "") {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(source)?.[1]?.toLowerCase();
    if (!scheme || !URL_SCHEMES.includes(scheme)) {
      problems.push({ path: [...at, "source"], message: `unsupported URL ${JSON.stringify(source.slice(0, 60))}; Ignition fetches ${URL_SCHEMES.join(", ")} URLs` });
    } else if (scheme === "data") {
      const decoded = decodeResource(source, compression as string | null | undefined);
      if (typeof decoded === "string") problems.push({ path: [...at, "source"], message: `invalid data URL: it ${decoded}` });
    }
  }
  const hash = isObject(r.verification) ? r.verification.hash : undefined;
  if (typeof hash === "string" && !HASH.test(hash)) {
    problems.push({ path: [...at, "verification", "hash"], message: "hash must be sha512-<128 hex digits> or sha256-<64 hex digits>" });
  }
}

function checkStorage(storage: Json, problems: JsonProblem[]): void {
  const seen = new Map<string, string>();
  for (const kind of ["files", "directories", "links"] as const) {
    list(storage[kind]).forEach((node, i) => {
      if (!isObject(node)) return;
      const at: PathSegment[] = ["storage", kind, i];
      if (typeof node.path === "string") {
        if (!node.path.startsWith("/")) problems.push({ path: [...at, "path"], message: `path "${node.path}" must be absolute (start with /)` });
        const before = seen.get(node.path);
        if (before) problems.push({ path: [...at, "path"], message: `path "${node.path}" is declared twice (also ${before})` });
        else seen.set(node.path, `storage.${kind}[${i}]`);
      }
      if (typeof node.mode === "number") {
        const problem = modeProblem(node.mode, kind === "directories");
        if (problem) problems.push({ path: [...at, "mode"], message: problem });
      }
      if (kind === "files") {
        checkResource(node.contents, [...at, "contents"], problems);
        list(node.append).forEach((r, j) => checkResource(r, [...at, "append", j], problems));
      }
      if (kind === "links" && (typeof node.target !== "string" || node.target === "")) {
        problems.push({ path: at, message: `link "${String(node.path)}" needs a target` });
      }
    });
  }
  list(storage.filesystems).forEach((fs, i) => {
    if (isObject(fs) && typeof fs.path === "string" && !fs.path.startsWith("/")) {
      problems.push({ path: ["storage", "filesystems", i, "path"], message: `path "${fs.path}" must be absolute (start with /)` });
    }
  });
  list(storage.luks).forEach((l, i) => isObject(l) && checkResource(l.keyFile, ["storage", "luks", i, "keyFile"], problems));
}

function checkSystemd(systemd: Json, problems: JsonProblem[]): void {
  const names = new Map<string, number>();
  list(systemd.units).forEach((unit, i) => {
    if (!isObject(unit) || typeof unit.name !== "string") return;
    const unitName = unit.name;
    const at: PathSegment[] = ["systemd", "units", i];
    if (!UNIT_SUFFIX.test(unit.name)) problems.push({ path: [...at, "name"], message: `unit "${unit.name}" needs a unit type suffix such as .service, .socket, .timer or .mount` });
    const before = names.get(unit.name);
    if (before !== undefined) problems.push({ path: [...at, "name"], message: `unit "${unit.name}" is declared twice (also systemd.units[${before}])` });
    else names.set(unit.name, i);
    const dropins = new Set<string>();
    list(unit.dropins).forEach((d, j) => {
      if (!isObject(d) || typeof d.name !== "string") return;
      if (!d.name.endsWith(".conf")) problems.push({ path: [...at, "dropins", j, "name"], message: `drop-in "${d.name}" must end in .conf` });
      if (dropins.has(d.name)) problems.push({ path: [...at, "dropins", j, "name"], message: `drop-in "${d.name}" is declared twice in ${unitName}` });
      dropins.add(d.name);
    });
  });
}

function checkPasswd(passwd: Json, problems: JsonProblem[]): void {
  for (const kind of ["users", "groups"] as const) {
    const seen = new Set<string>();
    list(passwd[kind]).forEach((entry, i) => {
      if (!isObject(entry) || typeof entry.name !== "string") return;
      if (seen.has(entry.name)) problems.push({ path: ["passwd", kind, i, "name"], message: `${kind === "users" ? "user" : "group"} "${entry.name}" is declared twice` });
      seen.add(entry.name);
    });
  }
}

/** checkIgnition runs the strict checks on a config that already matches its JSON Schema. */
export function checkIgnition(config: Json): JsonProblem[] {
  const problems: JsonProblem[] = [];
  if (isObject(config.storage)) checkStorage(config.storage, problems);
  if (isObject(config.systemd)) checkSystemd(config.systemd, problems);
  if (isObject(config.passwd)) checkPasswd(config.passwd, problems);
  const ign = isObject(config.ignition) ? config.ignition : {};
  const cfg = isObject(ign.config) ? ign.config : {};
  checkResource(cfg.replace, ["ignition", "config", "replace"], problems);
  list(cfg.merge).forEach((r, i) => checkResource(r, ["ignition", "config", "merge", i], problems));
  const tls = isObject(ign.security) && isObject(ign.security.tls) ? ign.security.tls : {};
  list(tls.certificateAuthorities).forEach((r, i) => checkResource(r, ["ignition", "security", "tls", "certificateAuthorities", i], problems));
  return problems;
}
