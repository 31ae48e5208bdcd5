// The project file pxectl.yaml: found (flag > PXECTL_CONFIG > ./pxectl.yaml), parsed
// with positions, checked against schemas/pxectl.schema.json, defaults filled in.
import { dirname } from "node:path";
import schema from "../../schemas/pxectl.schema.json";
import { ConfigError } from "../core/errors";
import { type FileSystem, nodeFs, readTextIfExists } from "./files";
import { DEFAULT_CONFIG_FILE, stateDirFor } from "./paths";
import { validateLocated } from "./validate";
import { parseYaml } from "./yaml";

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

/** Project is a loaded project file and where its state lives. */
export interface Project {
  /** Absolute path of pxectl.yaml (it may not exist for commands that do not need it). */
  path: string;
  dir: string;
  stateDir: string;
  config: ProjectConfig;
}

/** parseProjectConfig validates the text of a project file; every problem is located. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const doc = parseYaml(text, file);
  if (doc.value === null || doc.value === undefined) {
    throw new ConfigError([{ file, line: 1, column: 1, message: "the file is empty" }], { hint: 'start with a line such as "name: demo"' });
  }
  const value = structuredClone(doc.value);
  const problems = validateLocated(schema, doc, value);
  if (problems.length > 0) throw new ConfigError(problems, { hint: "fix the file, then run: pxectl config validate" });
  return value as ProjectConfig;
}

/** loadProject reads and validates the project file; display is the name errors show. */
export async function loadProject(path: string, { fs = nodeFs, display = path }: { fs?: FileSystem; display?: string } = {}): Promise<Project> {
  const text = await readTextIfExists(path, fs);
  if (text === undefined) {
    throw new ConfigError([{ file: display, message: "no project file here" }], {
      hint: `create ${DEFAULT_CONFIG_FILE} (see examples/pxectl.yaml), run pxectl init, or pass --config FILE`,
    });
  }
  return { path, dir: dirname(path), stateDir: stateDirFor(path), config: parseProjectConfig(text, display) };
}
