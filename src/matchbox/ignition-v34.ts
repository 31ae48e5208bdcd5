// What matchbox v0.11 serves from a raw Ignition config (*.ign): the config parsed into
// Ignition's Go types for spec 3.4.0 (config/v3_4/types), translated up from 3.0-3.3, and
// written by Go's json.Marshal. So the body is compact, has every non-pointer struct field
// (an empty "verification":{} in each resource, "kernelArguments":{}, ...), keeps fields
// in the Go structs' order, drops keys Ignition does not know, and says "version":"3.4.0".
// A config that does not parse is served anyway: Go's zero config, with a warning logged.
import { goString } from "./go-json";

type Scalar = "string" | "*string" | "*int" | "*bool" | "int";
type Kind = Scalar | { struct: string } | { slice: Kind };
/** A field: JSON name, kind, and whether omitempty drops its zero value. */
type Field = readonly [name: string, kind: Kind, omitEmpty: boolean];

const S = (name: string): Kind => ({ struct: name });
const L = (kind: Kind): Kind => ({ slice: kind });
const RESOURCE = S("Resource");
const NODE: readonly Field[] = [["group", S("NodeOwner"), true], ["overwrite", "*bool", true], ["path", "string", false], ["user", S("NodeOwner"), true]];

// Go field order of github.com/coreos/ignition/v2/config/v3_4/types (schema.go); Node is
// embedded first in File, Directory and Link, so its fields come first there.
const TYPES: Record<string, readonly Field[]> = {
  Config: [["ignition", S("Ignition"), false], ["kernelArguments", S("KernelArguments"), true], ["passwd", S("Passwd"), true], ["storage", S("Storage"), true], ["systemd", S("Systemd"), true]],
  Ignition: [["config", S("IgnitionConfig"), true], ["proxy", S("Proxy"), true], ["security", S("Security"), true], ["timeouts", S("Timeouts"), true], ["version", "string", false]],
  IgnitionConfig: [["merge", L(RESOURCE), true], ["replace", RESOURCE, true]],
  Resource: [["compression", "*string", true], ["httpHeaders", L(S("HTTPHeader")), true], ["source", "*string", true], ["verification", S("Verification"), true]],
  HTTPHeader: [["name", "string", false], ["value", "*string", true]],
  Verification: [["hash", "*string", true]],
  Proxy: [["httpProxy", "*string", true], ["httpsProxy", "*string", true], ["noProxy", L("string"), true]],
  Security: [["tls", S("TLS"), true]],
  TLS: [["certificateAuthorities", L(RESOURCE), true]],
  Timeouts: [["httpResponseHeaders", "*int", true], ["httpTotal", "*int", true]],
  KernelArguments: [["shouldExist", L("string"), true], ["shouldNotExist", L("string"), true]],
  Passwd: [["groups", L(S("PasswdGroup")), true], ["users", L(S("PasswdUser")), true]],
  PasswdGroup: [["gid", "*int", true], ["name", "string", false], ["passwordHash", "*string", true], ["shouldExist", "*bool", true], ["system", "*bool", true]],
  PasswdUser: [
    ["gecos", "*string", true], ["groups", L("string"), true], ["homeDir", "*string", true], ["name", "string", false], ["noCreateHome", "*bool", true],
    ["noLogInit", "*bool", true], ["noUserGroup", "*bool", true], ["passwordHash", "*string", true], ["primaryGroup", "*string", true],
    ["sshAuthorizedKeys", L("string"), true], ["shell", "*string", true], ["shouldExist", "*bool", true], ["system", "*bool", true], ["uid", "*int", true],
  ],
  Storage: [
    ["directories", L(S("Directory")), true], ["disks", L(S("Disk")), true], ["files", L(S("File")), true], ["filesystems", L(S("Filesystem")), true],
    ["links", L(S("Link")), true], ["luks", L(S("Luks")), true], ["raid", L(S("Raid")), true],
  ],
  NodeOwner: [["id", "*int", true], ["name", "*string", true]],
  File: [...NODE, ["append", L(RESOURCE), true], ["contents", RESOURCE, true], ["mode", "*int", true]],
  Directory: [...NODE, ["mode", "*int", true]],
  Link: [...NODE, ["hard", "*bool", true], ["target", "*string", true]],
  Disk: [["device", "string", false], ["partitions", L(S("Partition")), true], ["wipeTable", "*bool", true]],
  Partition: [
    ["guid", "*string", true], ["label", "*string", true], ["number", "int", true], ["resize", "*bool", true], ["shouldExist", "*bool", true],
    ["sizeMiB", "*int", true], ["startMiB", "*int", true], ["typeGuid", "*string", true], ["wipePartitionEntry", "*bool", true],
  ],
  Filesystem: [
    ["device", "string", false], ["format", "*string", true], ["label", "*string", true], ["mountOptions", L("string"), true], ["options", L("string"), true],
    ["path", "*string", true], ["uuid", "*string", true], ["wipeFilesystem", "*bool", true],
  ],
  Luks: [
    ["clevis", S("Clevis"), true], ["device", "*string", true], ["discard", "*bool", true], ["keyFile", RESOURCE, true], ["label", "*string", true], ["name", "string", false],
    ["openOptions", L("string"), true], ["options", L("string"), true], ["uuid", "*string", true], ["wipeVolume", "*bool", true],
  ],
  Clevis: [["custom", S("ClevisCustom"), true], ["tang", L(S("Tang")), true], ["threshold", "*int", true], ["tpm2", "*bool", true]],
  ClevisCustom: [["config", "*string", true], ["needsNetwork", "*bool", true], ["pin", "*string", true]],
  Tang: [["thumbprint", "*string", true], ["url", "string", true], ["advertisement", "*string", true]],
  Raid: [["devices", L("string"), true], ["level", "*string", true], ["name", "string", false], ["options", L("string"), true], ["spares", "*int", true]],
  Systemd: [["units", L(S("Unit")), true]],
  Unit: [["contents", "*string", true], ["dropins", L(S("Dropin")), true], ["enabled", "*bool", true], ["mask", "*bool", true], ["name", "string", false]],
  Dropin: [["contents", "*string", true], ["name", "string", false]],
};

/** COMPATIBLE_SPECS are the versions ParseCompatibleVersion of v3_4 accepts and translates up. */
export const COMPATIBLE_SPECS = ["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0"];

class DecodeError extends Error {}

/** lookup finds a key as Go does: the exact name, else the first one equal ignoring case. */
function lookup(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

/** encode returns the Go encoding of v decoded into kind, or undefined when omitempty drops it. */
function encode(v: unknown, kind: Kind, omitEmpty: boolean, path: string): string | undefined {
  const absent = v === undefined || v === null;
  const mismatch = (want: string) => new DecodeError(`${path}: cannot unmarshal ${Array.isArray(v) ? "array" : typeof v} into ${want}`);
  if (typeof kind === "object" && "struct" in kind) {
    if (!absent && (typeof v !== "object" || Array.isArray(v))) throw mismatch(`a ${kind.struct} object`);
    const obj = (absent ? {} : v) as Record<string, unknown>;
    const parts: string[] = [];
    for (const [name, fieldKind, fieldOmit] of TYPES[kind.struct]!) {
      const encoded = encode(lookup(obj, name), fieldKind, fieldOmit, `${path}.${name}`);
      if (encoded !== undefined) parts.push(`${goString(name)}:${encoded}`);
    }
    return `{${parts.join(",")}}`; // omitempty never drops a struct
  }
  if (typeof kind === "object") {
    if (absent) return omitEmpty ? undefined : "null";
    if (!Array.isArray(v)) throw mismatch("a list");
    if (v.length === 0 && omitEmpty) return undefined;
    return `[${v.map((item, i) => encode(item, kind.slice, false, `${path}[${i}]`) ?? "null").join(",")}]`;
  }
  if (kind.startsWith("*") && absent) return undefined;
  switch (kind) {
    case "string":
    case "*string": {
      if (absent) return omitEmpty ? undefined : '""';
      if (typeof v !== "string") throw mismatch("a string");
      return omitEmpty && v === "" && kind === "string" ? undefined : goString(v);
    }
    case "*bool":
      if (typeof v !== "boolean") throw mismatch("a boolean");
      return String(v);
    case "*int":
    case "int": {
      if (absent) return omitEmpty ? undefined : "0";
      if (typeof v !== "number" || !Number.isInteger(v)) throw mismatch("an integer");
      return kind === "int" && omitEmpty && v === 0 ? undefined : String(v);
    }
  }
}

/** ServedIgnition is the body matchbox writes for a raw config, and the warning it logs when the config does not parse. */
export interface ServedIgnition {
  body: string;
  warning?: string;
}

/** ZERO_CONFIG is what matchbox serves for a config that does not parse: Go's zero types.Config. */
export const ZERO_CONFIG = encode({}, { struct: "Config" }, false, "$")!;

/** serveIgnition renders a raw Ignition config the way matchbox v0.11's /ignition does. */
export function serveIgnition(text: string): ServedIgnition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { body: ZERO_CONFIG, warning: `error: config is not valid JSON: ${(e as Error).message}` };
  }
  const version = (parsed as { ignition?: { version?: unknown } } | null)?.ignition?.version;
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { body: ZERO_CONFIG, warning: "error: config is not a JSON object" };
  if (typeof version !== "string" || !COMPATIBLE_SPECS.includes(version)) {
    return { body: ZERO_CONFIG, warning: `error at $.ignition.version: unsupported config version ${JSON.stringify(version ?? null)}` };
  }
  try {
    const translated = { ...parsed, ignition: { ...(parsed as { ignition: object }).ignition, version: "3.4.0" } };
    return { body: encode(translated, { struct: "Config" }, false, "$")! };
  } catch (e) {
    if (e instanceof DecodeError) return { body: ZERO_CONFIG, warning: `error at ${e.message}` };
    throw e;
  }
}
