// The lab's tiny installer OS, built from Debian packages: the Debian kernel (downloaded
// with apt-get, never installed) and busybox, with an /init that installs like
// flatcar-install in miniature. Cached, so later labs start in seconds.
import { execFile } from "node:child_process";
import { copyFile, mkdir, readdir, rm, stat, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import initTemplate from "../../templates/lab/init.sh.tmpl";
import udhcpcScript from "../../templates/lab/udhcpc.script.tmpl";
import { RemoteError } from "../core/errors";

const run = promisify(execFile);

/** Debian builds virtio as modules; /init loads them in dependency order. */
export const VIRTIO_MODULES = ["virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "failover", "net_failover", "virtio_net", "virtio_blk"];

export interface InstallerOs {
  kernel: string;
  initrd: string;
  kernelVersion: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function sh(cmd: string, args: string[], cwd?: string): Promise<string> {
  try {
    return (await run(cmd, args, { cwd, maxBuffer: 64 << 20 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new RemoteError(`${cmd} ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim().split("\n").pop()}`, { cause: e });
  }
}

/** kernelPackage asks apt which linux-image package linux-image-amd64 points at. */
async function kernelPackage(): Promise<string> {
  const out = await sh("apt-cache", ["depends", "linux-image-amd64"]);
  const pkg = /Depends: (linux-image-\d\S*)/.exec(out)?.[1];
  if (!pkg) throw new RemoteError("apt does not know linux-image-amd64", { hint: "run apt-get update" });
  return pkg;
}

/** ensureInstallerOs builds (once) vmlinuz and initrd.img under cacheDir. */
export async function ensureInstallerOs(cacheDir: string, progress: (t: string) => void = () => undefined): Promise<InstallerOs> {
  const kernel = join(cacheDir, "vmlinuz");
  const initrd = join(cacheDir, "initrd.img");
  const stamp = join(cacheDir, "kernel-version");
  if ((await exists(kernel)) && (await exists(initrd)) && (await exists(stamp))) {
    const { readFile } = await import("node:fs/promises");
    return { kernel, initrd, kernelVersion: (await readFile(stamp, "utf8")).trim() };
  }
  await mkdir(cacheDir, { recursive: true });
  const work = join(cacheDir, "build");
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, "deb"), { recursive: true });
  const pkg = await kernelPackage();
  progress(`downloading ${pkg}`);
  await sh("apt-get", ["download", "-qq", pkg], join(work, "deb"));
  const [deb] = (await readdir(join(work, "deb"))).filter((f) => f.endsWith(".deb"));
  if (!deb) throw new RemoteError(`apt-get download ${pkg} left no .deb`);
  progress("unpacking the kernel");
  await sh("dpkg-deb", ["-x", join(work, "deb", deb), join(work, "root")]);
  const [version] = await readdir(join(work, "root/lib/modules"));
  if (!version) throw new RemoteError(`${deb} holds no kernel modules`);
  await copyFile(join(work, "root/boot", `vmlinuz-${version}`), kernel);

  progress("building the initrd");
  const root = join(work, "initrd");
  for (const d of ["bin", "etc", "lib/modules"]) await mkdir(join(root, d), { recursive: true });
  await copyFile("/bin/busybox", join(root, "bin/busybox"));
  const modules = (await sh("find", [join(work, "root/lib/modules", version), "-name", "*.ko"])).split("\n").filter(Boolean);
  for (const m of VIRTIO_MODULES) {
    const file = modules.find((p) => p.endsWith(`/${m}.ko`));
    if (file) await copyFile(file, join(root, "lib/modules", `${m}.ko`));
  }
  await writeFile(join(root, "init"), initTemplate.replace("{{modules}}", VIRTIO_MODULES.join(" ")));
  await writeFile(join(root, "etc/udhcpc.script"), udhcpcScript);
  await chmod(join(root, "init"), 0o755);
  await chmod(join(root, "etc/udhcpc.script"), 0o755);
  await sh("sh", ["-c", `cd "${root}" && find . | cpio -o -H newc --quiet | gzip -9 > "${initrd}"`]);
  await writeFile(stamp, version + "\n");
  await rm(work, { recursive: true, force: true });
  return { kernel, initrd, kernelVersion: version };
}
