// The project `lab up` writes in an empty folder: pxectl.yaml with provider: lab and a
// profile directory whose profiles install the lab's OS, so the lab works on first run.
import { mkdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import installButane from "../../templates/lab/project/profiles/butane/install.yaml.tmpl";
import installedButane from "../../templates/lab/project/profiles/butane/installed.yaml.tmpl";
import profiles from "../../templates/lab/project/profiles/lab.yaml.tmpl";
import projectTemplate from "../../templates/lab/project/pxectl.yaml.tmpl";

/** labEnvName derives an environment name from the folder: lower-case, "lab" when nothing is left. */
export function labEnvName(folder: string): string {
  const name = basename(folder).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+|-+$/g, "").slice(0, 24);
  return name.length >= 2 ? name : "lab";
}

/** writeLabProfiles writes the lab's profiles under dir/profiles, leaving files that exist alone. */
export async function writeLabProfiles(dir: string): Promise<void> {
  const files: Array<[string, string]> = [
    ["profiles/lab.yaml", profiles],
    ["profiles/butane/install.yaml", installButane],
    ["profiles/butane/installed.yaml", installedButane],
  ];
  for (const [path, content] of files) {
    const file = join(dir, path);
    if (await stat(file).then(() => true, () => false)) continue;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** writeLabProject writes the lab project when configPath does not exist; it tells whether it wrote. */
export async function writeLabProject(configPath: string, namespaceOf: (env: string) => string): Promise<boolean> {
  if (await stat(configPath).then(() => true, () => false)) return false;
  const dir = dirname(configPath);
  const name = labEnvName(dir);
  await writeLabProfiles(dir);
  await writeFile(configPath, projectTemplate.replaceAll("{{name}}", name).replaceAll("{{namespace}}", namespaceOf(name)));
  return true;
}
