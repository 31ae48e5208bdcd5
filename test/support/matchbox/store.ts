// matchbox's file store (storage/filestore.go, storage/fs.go): the same layout and file
// formats, read from disk on every call (no cache, so hand edits show at once), and Go's
// error texts ("open /data/groups/x.json: no such file or directory"), which the gRPC layer
// sends as Unknown. Groups are written as tab-indented JSON with metadata as an object;
// profiles with snake_case keys; a mac selector is normalised only when a group is read.
import { mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { goMarshal, goMarshalIndent, goString } from "../../../src/matchbox/go-json";
import { normalizeSelector } from "../../../src/matchbox/select";
import type { NetBoot } from "../../../src/matchbox/types";
import { goQuote } from "./logrus";

/** GoError is an error whose message is exactly what matchbox's Go code would say. */
export class GoError extends Error {}

/** StoredGroup is storagepb.Group: metadata as JSON bytes (undefined when absent). */
export interface StoredGroup {
  id: string;
  name: string;
  profile: string;
  selector: Record<string, string>;
  metadata: Buffer | undefined;
}

/** StoredProfile is storagepb.Profile; boot is null when the file has none. */
export interface StoredProfile {
  id: string;
  name: string;
  ignition_id: string;
  cloud_id: string;
  generic_id: string;
  boot: NetBoot | null;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  EACCES: "permission denied",
  ENOTEMPTY: "directory not empty",
};
const GO_OP: Record<string, string> = { open: "open", read: "read", scandir: "open", unlink: "remove", write: "write", mkdir: "mkdir" };

/** goFsError turns a Node fs error into Go's *PathError text: "<op> <path>: <reason>". */
function goFsError(e: unknown, path: string, fallbackOp: string): Error {
  const err = e as NodeJS.ErrnoException;
  if (!err.code) return err;
  return new GoError(`${GO_OP[err.syscall ?? ""] ?? fallbackOp} ${path}: ${ERRNO_TEXT[err.code] ?? err.message}`);
}

/** lookup finds a JSON key as Go's decoder does: exactly, else ignoring case. */
function lookup(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : obj[key];
}

function decodeString(v: unknown, field: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new GoError(`json: cannot unmarshal ${typeof v} into Go struct field .${field} of type string`);
  return v;
}

function decodeStrings(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new GoError(`json: cannot unmarshal ${typeof v} into Go struct field .${field} of type []string`);
  return v.map((s) => decodeString(s, field));
}

/** goJsonType names a JSON value as Go's UnmarshalTypeError does. */
function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "object" ? "object" : typeof value === "boolean" ? "bool" : typeof value;
}

/**
 * parseGoJsonObject is json.Unmarshal into a struct or map named goType: Go's texts for a
 * truncated input, a bad first character and a value of another type. Other syntax errors
 * keep V8's text (a deliberate difference, see README.md).
 */
export function parseGoJsonObject(data: string, goType: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (e) {
    const message = (e as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    if (data.trim() === "" || /end of JSON input/.test(message) || Number(position) >= data.length) throw new GoError("unexpected end of JSON input");
    const first = data.trimStart()[0]!;
    if (!/[[{"\-0-9tfn]/.test(first)) throw new GoError(`invalid character '${first}' looking for beginning of value`);
    const literal = ["true", "false", "null"].find((l) => l[0] === first);
    const text = data.trimStart();
    if (literal) {
      const at = [...literal].findIndex((c, i) => text[i] !== c);
      if (at > 0 && at < text.length) throw new GoError(`invalid character '${text[at]}' in literal ${literal} (expecting '${literal[at]}')`);
    }
    throw new GoError(message);
  }
  // null leaves a Go value as it was: an empty object
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new GoError(`json: cannot unmarshal ${goJsonType(value)} into Go value of type ${goType}`);
  return value as Record<string, unknown>;
}

/** goStruct writes struct fields in order with MarshalIndent's layout; omitempty fields are left out by the caller. */
function goStruct(fields: Array<[string, string]>, depth: number): string {
  if (fields.length === 0) return "{}";
  const pad = "\t".repeat(depth + 1);
  return `{\n${fields.map(([k, v]) => `${pad}${goString(k)}: ${v}`).join(",\n")}\n${"\t".repeat(depth)}}`;
}

/** encodeGroupFile is json.MarshalIndent(RichGroup, "", "\t"): omitempty everywhere, metadata as an object. */
export function encodeGroupFile(g: StoredGroup): string {
  let metadata: Record<string, unknown> = {};
  if (g.metadata !== undefined && g.metadata.length > 0) metadata = parseGoJsonObject(g.metadata.toString("utf8"), "map[string]interface {}");
  const fields: Array<[string, string]> = [];
  if (g.id) fields.push(["id", goString(g.id)]);
  if (g.name) fields.push(["name", goString(g.name)]);
  if (g.profile) fields.push(["profile", goString(g.profile)]);
  if (Object.keys(g.selector).length > 0) fields.push(["selector", goMarshalIndent(g.selector, "\t", 1)]);
  if (Object.keys(metadata).length > 0) fields.push(["metadata", goMarshalIndent(metadata, "\t", 1)]);
  return goStruct(fields, 0);
}

/** encodeProfileFile is json.MarshalIndent of the generated Profile struct: snake_case, omitempty, boot omitted when nil. */
export function encodeProfileFile(p: StoredProfile): string {
  const fields: Array<[string, string]> = [];
  for (const key of ["id", "name", "ignition_id", "cloud_id"] as const) if (p[key]) fields.push([key, goString(p[key])]);
  if (p.boot) {
    const boot: Array<[string, string]> = [];
    if (p.boot.kernel) boot.push(["kernel", goString(p.boot.kernel)]);
    if (p.boot.initrd.length > 0) boot.push(["initrd", goMarshalIndent(p.boot.initrd, "\t", 2)]);
    if (p.boot.args.length > 0) boot.push(["args", goMarshalIndent(p.boot.args, "\t", 2)]);
    fields.push(["boot", goStruct(boot, 1)]);
  }
  if (p.generic_id) fields.push(["generic_id", goString(p.generic_id)]);
  return goStruct(fields, 0);
}

/** parseGroupFile is storagepb.ParseGroup: decode, metadata back to bytes, normalise the mac selector. */
export function parseGroupFile(data: string): StoredGroup {
  const raw = parseGoJsonObject(data, "storagepb.RichGroup");
  const selectorRaw = lookup(raw, "selector");
  const selector: Record<string, string> = {};
  if (selectorRaw !== undefined && selectorRaw !== null) {
    if (typeof selectorRaw !== "object" || Array.isArray(selectorRaw)) throw new GoError("json: cannot unmarshal into Go struct field RichGroup.selector of type map[string]string");
    for (const [k, v] of Object.entries(selectorRaw)) selector[k] = decodeString(v, "selector");
  }
  const metadataRaw = lookup(raw, "metadata");
  if (metadataRaw !== undefined && metadataRaw !== null && (typeof metadataRaw !== "object" || Array.isArray(metadataRaw))) {
    throw new GoError("json: cannot unmarshal into Go struct field RichGroup.metadata of type map[string]interface {}");
  }
  const normalized = normalizeSelector(selector);
  if (!normalized) {
    const bad = Object.entries(selector).find(([k]) => k.toLowerCase() === "mac")![1];
    throw new GoError(`address ${bad}: invalid MAC address`);
  }
  return {
    id: decodeString(lookup(raw, "id"), "id"),
    name: decodeString(lookup(raw, "name"), "name"),
    profile: decodeString(lookup(raw, "profile"), "profile"),
    selector: normalized,
    metadata: metadataRaw === undefined || metadataRaw === null ? undefined : Buffer.from(goMarshal(metadataRaw)),
  };
}

/** parseProfileFile decodes a profile file (boot stays null when absent). */
export function parseProfileFile(data: string): StoredProfile {
  const raw = parseGoJsonObject(data, "storagepb.Profile");
  const bootRaw = lookup(raw, "boot");
  let boot: NetBoot | null = null;
  if (bootRaw !== undefined && bootRaw !== null) {
    const b = bootRaw as Record<string, unknown>;
    boot = { kernel: decodeString(lookup(b, "kernel"), "kernel"), initrd: decodeStrings(lookup(b, "initrd"), "initrd"), args: decodeStrings(lookup(b, "args"), "args") };
  }
  return {
    id: decodeString(lookup(raw, "id"), "id"),
    name: decodeString(lookup(raw, "name"), "name"),
    ignition_id: decodeString(lookup(raw, "ignition_id"), "ignition_id"),
    cloud_id: decodeString(lookup(raw, "cloud_id"), "cloud_id"),
    generic_id: decodeString(lookup(raw, "generic_id"), "generic_id"),
    boot,
  };
}

/** orUndefined runs a store read, turning its error into undefined (the HTTP handlers answer 404). */
export function orUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** FileStore is matchbox's storage.Store over a data directory. */
export class FileStore {
  constructor(
    readonly root: string,
    /** Told about files a list had to skip, as matchbox logs them. */
    private readonly onSkip: (message: string) => void = () => {},
  ) {}

  /** path is storage.Dir.sanitize: path.Clean("/"+name) under the root, NUL refused. */
  path(name: string): string {
    if (name.includes("\0")) throw new GoError("invalid character in file path");
    return join(this.root, posix.normalize("/" + name));
  }

  // Synchronous file calls, as matchbox's are within a request: for small files they are
  // much faster than fs/promises (no thread-pool round trips), which matters for lists.
  private read(name: string): Buffer {
    const path = this.path(name);
    try {
      return readFileSync(path);
    } catch (e) {
      throw goFsError(e, path, "open");
    }
  }

  private write(name: string, data: string | Buffer): void {
    const path = this.path(name);
    try {
      // like os.WriteFile: in place, not atomic; parent folders made as needed (0755)
      try {
        writeFileSync(path, data, { mode: 0o644 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        mkdirSync(join(path, ".."), { recursive: true, mode: 0o755 });
        writeFileSync(path, data, { mode: 0o644 });
      }
    } catch (e) {
      throw goFsError(e, path, "open");
    }
  }

  private remove(name: string): void {
    const path = this.path(name);
    try {
      unlinkSync(path);
    } catch (e) {
      throw goFsError(e, path, "remove");
    }
  }

  private names(dir: string): string[] {
    const path = this.path(dir);
    try {
      return readdirSync(path).sort();
    } catch (e) {
      throw goFsError(e, path, "open");
    }
  }

  groupPut(g: StoredGroup): void {
    this.write(`groups/${g.id}.json`, encodeGroupFile(g));
  }
  groupGet(id: string): StoredGroup {
    return parseGroupFile(this.read(`groups/${id}.json`).toString("utf8"));
  }
  groupDelete(id: string): void {
    this.remove(`groups/${id}.json`);
  }
  groupList(): StoredGroup[] {
    return this.list("groups", "Group", (id) => this.groupGet(id));
  }
  profilePut(p: StoredProfile): void {
    this.write(`profiles/${p.id}.json`, encodeProfileFile(p));
  }
  profileGet(id: string): StoredProfile {
    const profile = parseProfileFile(this.read(`profiles/${id}.json`).toString("utf8"));
    if (!profile.id) throw new GoError("Id is required");
    return profile;
  }
  profileDelete(id: string): void {
    this.remove(`profiles/${id}.json`);
  }
  profileList(): StoredProfile[] {
    return this.list("profiles", "Profile", (id) => this.profileGet(id));
  }
  ignitionPut(name: string, config: Buffer): void {
    this.write(`ignition/${name}`, config);
  }
  ignitionGet(name: string): Buffer {
    return this.read(`ignition/${name}`);
  }
  ignitionDelete(name: string): void {
    this.remove(`ignition/${name}`);
  }
  genericPut(name: string, config: Buffer): void {
    this.write(`generic/${name}`, config);
  }
  genericGet(name: string): Buffer {
    return this.read(`generic/${name}`);
  }
  genericDelete(name: string): void {
    this.remove(`generic/${name}`);
  }

  /** list loads every file by its name minus the extension; one that fails is skipped and logged, as matchbox does. */
  private list<T>(dir: string, what: string, get: (id: string) => T): T[] {
    const out: T[] = [];
    for (const file of this.names(dir)) {
      const id = file.includes(".") ? file.slice(0, file.lastIndexOf(".")) : file;
      try {
        out.push(get(id));
      } catch (e) {
        this.onSkip(`${what} ${goQuote(id)}: ${(e as Error).message}`);
      }
    }
    return out;
  }
}
