// The starter profile directory init writes when a project has none, so that init -> node
// add --mac works with no hand-written file: Flatcar installed to disk in two stages (as
// examples/profiles does), logging in as core with the operator's SSH key, which goes into
// pxectl.yaml's variables.ssh_authorized_key (the file's comments are kept).
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import installButane from "../../templates/starter/profiles/butane/install.yaml.tmpl";
import installedButane from "../../templates/starter/profiles/butane/installed.yaml.tmpl";
import flatcarProfiles from "../../templates/starter/profiles/flatcar.yaml.tmpl";
import { type FileSystem, writeFileAtomic } from "../config/files";
import type { ProjectConfig } from "../config/project";

/** STARTER_FILES are the starter directory's files, relative to it. */
export const STARTER_FILES: ReadonlyArray<readonly [string, string]> = [
  ["flatcar.yaml", flatcarProfiles],
  ["butane/install.yaml", installButane],
  ["butane/installed.yaml", installedButane],
];

/** profileDirOf is where a project's profile directory is (profiles.dir, relative to pxectl.yaml). */
export function profileDirOf(configPath: string, config: Pick<ProjectConfig, "profiles">): string {
  return isAbsolute(config.profiles.dir) ? config.profiles.dir : resolve(dirname(configPath), config.profiles.dir);
}

/**
 * writeStarterProject writes the starter directory unless one exists, and then sets
 * variables.ssh_authorized_key in the project file unless it is set. It returns what it wrote.
 */
export async function writeStarterProject(o: { configPath: string; configText: string; config: ProjectConfig; publicKey: string; fs: FileSystem }): Promise<{ dir?: string; keyAdded: boolean }> {
  const dir = profileDirOf(o.configPath, o.config);
  if (await o.fs.stat(dir).then(() => true, () => false)) return { keyAdded: false };
  for (const [path, text] of STARTER_FILES) {
    const file = join(dir, path);
    await o.fs.mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, text, { mode: 0o644, fs: o.fs });
  }
  if (o.config.variables.ssh_authorized_key !== undefined) return { dir, keyAdded: false };
  const doc = parseDocument(o.configText);
  doc.setIn(["variables", "ssh_authorized_key"], o.publicKey.trim());
  await writeFileAtomic(o.configPath, doc.toString({ lineWidth: 0, flowCollectionPadding: false }), { mode: 0o644, fs: o.fs });
  return { dir, keyAdded: true };
}
