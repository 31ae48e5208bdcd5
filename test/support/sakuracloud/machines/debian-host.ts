// The host image behind the machine-backed server's Debian 12 archive: the lab's cached
// Debian 12 image (src/lab/host-image), copied per disk, edited as SakuraCloud's disk edit
// does (src/lab/disk-edit), and given extra files (the lab OS matchbox will serve) with
// debugfs, without mounting anything.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { editHostDisk } from "../../../../src/lab/disk-edit";
import { copyHostDisk, defaultRunner, ensureHostImage } from "../../../../src/lab/host-image";
import type { HostImageSource } from "./index";

/** debianHostImage builds (once, under cacheDir) and edits copies of the Debian 12 host image. */
export function debianHostImage(cacheDir: string, env: NodeJS.ProcessEnv = process.env): HostImageSource & { lastBuild?: { built: boolean; ms: number } } {
  const source: HostImageSource & { lastBuild?: { built: boolean; ms: number } } = {
    async ensure(progress) {
      const started = Date.now();
      const image = await ensureHostImage({ cacheDir, env, progress });
      source.lastBuild = { built: image.built, ms: Date.now() - started };
      return { disk: image.disk, boot: { kernel: image.kernel, initrd: image.initrd, append: image.cmdline } };
    },
    copy: (image, dest) => copyHostDisk(image, dest),
    async edit(disk, s) {
      const [address, prefix] = s.sharedNic?.address.split("/") ?? [];
      await editHostDisk(disk, {
        hostName: s.hostName,
        sshPublicKeys: s.sshPublicKeys,
        disablePasswordAuth: s.disablePasswordAuth,
        network: s.sharedNic ? { address: address!, prefixLength: Number(prefix), gateway: s.sharedNic.gateway, nameservers: s.nameServers } : undefined,
      });
    },
    addFiles: writeFilesIntoImage,
  };
  return source;
}

/** writeFilesIntoImage copies files into an ext4 image with debugfs, making their folders (root's, 0755). */
export async function writeFilesIntoImage(disk: string, files: ReadonlyArray<{ path: string; source: string }>): Promise<void> {
  const commands: string[] = [];
  const made = new Set<string>();
  for (const f of files) {
    const dir = posix.dirname(f.path);
    const parts = dir.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const folder = `/${parts.slice(0, i).join("/")}`;
      // mkdir of a folder that exists only prints an error; debugfs goes on with the next command
      if (!made.has(folder)) commands.push(`mkdir ${folder}`);
      made.add(folder);
    }
    commands.push(`cd ${dir}`, `write ${f.source} ${posix.basename(f.path)}`, "cd /");
  }
  const work = await mkdtemp(join(tmpdir(), "pxcl-files-"));
  try {
    await writeFile(join(work, "commands"), `${commands.join("\n")}\n`);
    await defaultRunner("debugfs", ["-w", "-f", join(work, "commands"), disk]);
    const listing = await defaultRunner("debugfs", ["-R", `ls -l ${posix.dirname(files[0]!.path)}`, disk]);
    for (const f of files) if (!listing.includes(posix.basename(f.path)) && posix.dirname(f.path) === posix.dirname(files[0]!.path)) throw new Error(`debugfs did not write ${f.path} into ${disk}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
