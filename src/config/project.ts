// The project file pxectl.yaml: found (flag > PXECTL_CONFIG > ./pxectl.yaml), parsed
// with positions, checked against schemas/pxectl.schema.json, defaults filled in.
import { basename, dirname, join } from "node:path";
import schema from "../../schemas/pxectl.schema.json";
import { ConfigError } from "../core/errors";
import { type FileSystem, nodeFs, readTextIfExists } from "./files";
import { DEFAULT_CONFIG_FILE, stateDirFor } from "./paths";
import { validateLocated } from "./validate";
import { type Located, type PathSegment, type Position, parseYaml } from "./yaml";

export type Zone = "is1a" | "is1b" | "is1c" | "tk1a" | "tk1b" | "tk1v";

/** ProjectConfig is pxectl.yaml after validation and defaults. */
export interface ProjectConfig {
  name: string;
  provider: "sakuracloud" | "existing" | "lab";
  sakuracloud: {
    zone?: Zone;
    profile?: string;
    rate_limit: number;
    switch_id?: string;
    allow_from?: string[];
    host: { name?: string; core: number; memory_gb: number; disk_gb: number; disk_plan: "ssd" | "hdd"; archive: "ubuntu-24.04" | "debian-12" };
  };
  host?: { address?: string; ssh_user?: string; ssh_port: number; ssh_key?: string; private_address?: string };
  network: {
    address: string;
    interface?: string;
    dhcp: "full" | "proxy";
    dhcp_range: { start: string; end: string };
    lease_time: string;
    dns_servers?: string[];
    domain?: string;
    forward: boolean;
  };
  matchbox: { version: string; http_port: number; grpc_port: number; binary?: string };
  assets: { flatcar: { channel: "stable" | "beta" | "alpha" | "lts"; version: string; mirror?: string; signing_key?: string } };
  profiles: { dir: string };
  variables: Record<string, unknown>;
  nodes: { name_prefix: string; core: number; memory_gb: number; disk_gb: number; install_disk: string; install_profile: string; installed_profile: string };
  tls: { extra_sans?: string[]; validity_days: number };
}

/** buildCommand is the command that builds a project's environment: a lab's is lab up, not init. */
export function buildCommand(config: Pick<ProjectConfig, "provider">): string {
  return config.provider === "lab" ? "pxectl lab up" : "pxectl init";
}

/** Project is a loaded project file and where its state lives. */
export interface Project {
  /** Absolute path of pxectl.yaml (it may not exist for commands that do not need it). */
  path: string;
  dir: string;
  stateDir: string;
  config: ProjectConfig;
  /** locate finds a dotted path ("network.address", "sakuracloud.allow_from[0]") in the file, for checks beyond the schema. */
  locate?: (path: string) => Position | undefined;
}

/** parseProjectConfig validates the text of a project file; every problem is located. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  return parseProjectDocument(text, file).config;
}

function parseProjectDocument(text: string, file: string): { config: ProjectConfig; doc: Located } {
  const doc = parseYaml(text, file);
  if (doc.value === null || doc.value === undefined) {
    throw new ConfigError([{ file, line: 1, column: 1, message: "the file is empty" }], { hint: 'start with a line such as "name: demo"' });
  }
  const value = structuredClone(doc.value);
  const problems = validateLocated(schema, doc, value);
  if (problems.length > 0) throw new ConfigError(problems, { hint: "fix the file, then run: pxectl config validate" });
  return { config: value as ProjectConfig, doc };
}

/** dottedPath splits "a.b[2].c" into path segments. */
const dottedPath = (path: string): PathSegment[] => path.split(/\.|(?=\[)/).map((s) => (/^\[\d+\]$/.test(s) ? Number(s.slice(1, -1)) : s));

const NO_PROJECT_FILE = "no project file here";

/** isMissingProject tells the error loadProject throws when there is no project file. */
export function isMissingProject(e: unknown): e is ConfigError {
  return e instanceof ConfigError && e.problems.length === 1 && e.problems[0]!.message === NO_PROJECT_FILE;
}

/** readProjectText reads the project file, undefined when there is none; a folder or an unreadable file in its place is a ConfigError. */
export async function readProjectText(path: string, { fs = nodeFs, display = path }: { fs?: FileSystem; display?: string } = {}): Promise<string | undefined> {
  try {
    return await readTextIfExists(path, fs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EISDIR") {
      throw new ConfigError([{ file: display, message: "is a folder, not a project file" }], {
        hint: basename(path) === DEFAULT_CONFIG_FILE ? `rename or remove that folder, or pass --config FILE` : `pass the project file, e.g. --config ${join(display, DEFAULT_CONFIG_FILE)}`,
      });
    }
    if (code === "EACCES" || code === "EPERM") throw new ConfigError([{ file: display, message: "cannot be read: permission denied" }], { hint: `check the file's permissions (chmod u+r ${display})` });
    throw e;
  }
}

/** loadProject reads and validates the project file; display is the name errors show. */
export async function loadProject(path: string, { fs = nodeFs, display = path }: { fs?: FileSystem; display?: string } = {}): Promise<Project> {
  const text = await readProjectText(path, { fs, display });
  if (text === undefined) {
    throw new ConfigError([{ file: display, message: NO_PROJECT_FILE }], {
      hint: `create ${DEFAULT_CONFIG_FILE} (see examples/pxectl.yaml), run pxectl init, or pass --config FILE`,
    });
  }
  const { config, doc } = parseProjectDocument(text, display);
  return { path, dir: dirname(path), stateDir: stateDirFor(path), config, locate: (p) => doc.locate(dottedPath(p)) };
}
