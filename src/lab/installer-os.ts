// The lab's tiny operating system, built from Debian packages: the Debian kernel (downloaded
// with apt-get, never installed) and busybox, with an /init that installs like
// flatcar-install in miniature and, booted from the disk it wrote, plays the installed
// system. Also the install image the installer writes: a FAT disk that SYSLINUX boots (BIOS
// and UEFI) into the same kernel and initrd. Cached by content, so later labs start in seconds.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import initTemplate from "../../templates/lab/init.sh.tmpl";
import udhcpcScript from "../../templates/lab/udhcpc.script.tmpl";
import { LabError } from "../core/errors";

const run = promisify(execFile);

/** Debian builds virtio as modules; /init loads them in dependency order. */
export const VIRTIO_MODULES = ["virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "failover", "net_failover", "virtio_net", "virtio_blk"];

/** Where the installer puts the installed config on the disk: a line with its size, then its bytes. */
export const CONFIG_OFFSET_MIB = 32;
/** The install image's size; VM disks are larger, to hold the config after it. */
const IMAGE_MIB = 16;
/** The install image's name; "_image.bin" is what watch recognises as an install image. */
export const IMAGE_NAME = "pxectl_lab_image.bin";

export interface InstallerOs {
  kernel: string;
  initrd: string;
  /** The disk image the installer writes: SYSLINUX, the kernel and the initrd. */
  image: string;
  kernelVersion: string;
}

/** SYSLINUX_EFI are the syslinux-efi package's x86_64 loader and its core module. */
export const SYSLINUX_MBR = "/usr/lib/syslinux/mbr/mbr.bin";
export const SYSLINUX_EFI = { loader: "/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi", module: "/usr/lib/syslinux/modules/efi64/ldlinux.e64" };

const SYSLINUX_CFG = `DEFAULT installed
PROMPT 0
TIMEOUT 0
LABEL installed
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND console=ttyS0 panic=-1 quiet pxectl.installed
`;

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
    const err = e as { stderr?: string; message: string; code?: string };
    if (err.code === "ENOENT") throw new LabError(`${cmd} is not installed`, { hint: "the lab needs: apt-get install busybox-static cpio syslinux syslinux-efi mtools dosfstools", cause: e });
    throw new LabError(`${cmd} ${args.join(" ")} failed: ${(err.stderr ?? err.message).trim().split("\n").pop()}`, { cause: e });
  }
}

/** kernelPackage asks apt which linux-image package linux-image-amd64 points at. */
async function kernelPackage(): Promise<string> {
  const out = await sh("apt-cache", ["depends", "linux-image-amd64"]);
  const pkg = /Depends: (linux-image-\d\S*)/.exec(out)?.[1];
  if (!pkg) throw new LabError("apt does not know linux-image-amd64", { hint: "run apt-get update" });
  return pkg;
}

const initScript = () => initTemplate.replaceAll("{{modules}}", VIRTIO_MODULES.join(" ")).replaceAll("{{configOffsetMiB}}", String(CONFIG_OFFSET_MIB));

/** installerOsBuild names the cache folder of this version of the lab OS (its files and how they are built). */
export function installerOsBuild(): string {
  return createHash("sha256").update(BUILD_VERSION).update(initScript()).update(udhcpcScript).update(SYSLINUX_CFG).digest("hex").slice(0, 12);
}

const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * removeAbandonedBuilds deletes the work folders (<build>.build-<pid>) of builds whose process
 * is gone, killed part way: a build in progress in another process is left alone. Returns their names.
 */
export async function removeAbandonedBuilds(cacheDir: string): Promise<string[]> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  const abandoned = names.filter((n) => {
    const pid = Number(/\.build-(\d+)$/.exec(n)?.[1]);
    return pid > 0 && pid !== process.pid && !processAlive(pid);
  });
  for (const n of abandoned) await rm(join(cacheDir, n), { recursive: true, force: true });
  return abandoned;
}

/** ensureInstallerOs builds (once per version of /init) the kernel, initrd and install image under cacheDir. */
export async function ensureInstallerOs(cacheDir: string, progress: (t: string) => void = () => undefined): Promise<InstallerOs> {
  await removeAbandonedBuilds(cacheDir);
  const dir = join(cacheDir, installerOsBuild());
  const os = { kernel: join(dir, "vmlinuz"), initrd: join(dir, "initrd.img"), image: join(dir, IMAGE_NAME) };
  const stamp = join(dir, "kernel-version");
  if (await exists(stamp)) return { ...os, kernelVersion: (await readFile(stamp, "utf8")).trim() };

  const work = `${dir}.build-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  try {
    return { ...os, kernelVersion: await build(cacheDir, dir, work, progress) };
  } finally {
    // done (renamed into place) or failed: either way the work folder goes
    await rm(work, { recursive: true, force: true });
  }
}

async function build(cacheDir: string, dir: string, work: string, progress: (t: string) => void): Promise<string> {
  const init = initScript();
  await mkdir(join(work, "deb"), { recursive: true });
  const kernelVersion = await unpackKernel(cacheDir, work, progress);
  progress("building the initrd");
  const root = join(work, "initrd");
  for (const d of ["bin", "etc", "lib/modules"]) await mkdir(join(root, d), { recursive: true });
  await copyFile("/bin/busybox", join(root, "bin/busybox")).catch((e: unknown) => {
    throw new LabError("/bin/busybox is missing", { hint: "apt-get install busybox-static", cause: e });
  });
  const modules = (await sh("find", [join(work, "root/lib/modules", kernelVersion), "-name", "*.ko"])).split("\n").filter(Boolean);
  for (const m of VIRTIO_MODULES) {
    const file = modules.find((p) => p.endsWith(`/${m}.ko`));
    if (file) await copyFile(file, join(root, "lib/modules", `${m}.ko`));
  }
  await writeFile(join(root, "init"), init, { mode: 0o755 });
  await writeFile(join(root, "etc/udhcpc.script"), udhcpcScript, { mode: 0o755 });
  await chmod(join(root, "init"), 0o755);
  const out = join(work, "out");
  await mkdir(out);
  await copyFile(join(work, "root/boot", `vmlinuz-${kernelVersion}`), join(out, "vmlinuz"));
  await sh("sh", ["-c", `cd "${root}" && find . | cpio -o -H newc --quiet | gzip -9 > "${join(out, "initrd.img")}"`]);

  progress("building the install image");
  const image = join(out, IMAGE_NAME);
  await writeFile(join(work, "syslinux.cfg"), SYSLINUX_CFG);
  await buildBootDisk(image, join(out, "vmlinuz"), join(out, "initrd.img"), join(work, "syslinux.cfg"));
  await writeFile(join(out, "kernel-version"), kernelVersion + "\n");
  await rm(dir, { recursive: true, force: true });
  await rename(out, dir);
  return kernelVersion;
}

/** BUILD_VERSION changes whenever the way the files are built changes: the cache key includes it. */
const BUILD_VERSION = "mbr-fat16-1";

/** The FAT partition starts 1 MiB in, as partitioning tools place it. */
const PARTITION_SECTOR = 2048;

/**
 * buildBootDisk makes a disk image with an MBR (SYSLINUX's boot code, one active FAT
 * partition) that BIOS boots through SYSLINUX and UEFI through syslinux.efi at the
 * removable-media path: firmware lists a partitioned disk as a boot option, a bare FS not.
 */
async function buildBootDisk(image: string, kernel: string, initrd: string, config: string): Promise<void> {
  const sectors = IMAGE_MIB * 2048 - PARTITION_SECTOR;
  const fs = `${image}@@${PARTITION_SECTOR * 512}`;
  const disk = await open(image, "w");
  await disk.truncate(IMAGE_MIB << 20);
  const mbr = Buffer.alloc(512);
  (await readFile(SYSLINUX_MBR)).copy(mbr, 0, 0, 440);
  const entry = mbr.subarray(446, 462);
  entry[0] = 0x80; // active
  entry[4] = 0x0e; // FAT16, LBA
  entry.writeUInt32LE(PARTITION_SECTOR, 8);
  entry.writeUInt32LE(sectors, 12);
  // CHS fields: "use LBA" markers
  entry.set([0xfe, 0xff, 0xff], 1);
  entry.set([0xfe, 0xff, 0xff], 5);
  mbr.writeUInt16LE(0xaa55, 510);
  await disk.write(mbr, 0, 512, 0);
  await disk.close();
  await sh("mkfs.vfat", ["-F", "16", "-n", "PXECTL-LAB", "--offset", String(PARTITION_SECTOR), image, String(sectors / 2)]);
  await sh("syslinux", ["--install", "--offset", String(PARTITION_SECTOR * 512), image]);
  await sh("mcopy", ["-i", fs, kernel, initrd, config, "::"]);
  // UEFI firmware boots the same partition through the removable-media path, with the same menu
  await sh("mmd", ["-i", fs, "::EFI", "::EFI/BOOT"]);
  await sh("mcopy", ["-i", fs, SYSLINUX_EFI.loader, "::EFI/BOOT/BOOTX64.EFI"]);
  await sh("mcopy", ["-i", fs, SYSLINUX_EFI.module, config, "::EFI/BOOT/"]);
}

/** unpackKernel extracts the Debian kernel package (downloaded once into cacheDir) into work/root. */
async function unpackKernel(cacheDir: string, work: string, progress: (t: string) => void): Promise<string> {
  const debs = join(cacheDir, "debs");
  await mkdir(debs, { recursive: true });
  let [deb] = (await readdir(debs)).filter((f) => f.startsWith("linux-image-") && f.endsWith(".deb"));
  if (!deb) {
    const pkg = await kernelPackage();
    progress(`downloading ${pkg}`);
    await sh("apt-get", ["download", "-qq", pkg], join(work, "deb"));
    [deb] = (await readdir(join(work, "deb"))).filter((f) => f.endsWith(".deb"));
    if (!deb) throw new LabError(`apt-get download ${pkg} left no .deb`);
    await rename(join(work, "deb", deb), join(debs, deb));
  }
  progress("unpacking the kernel");
  await sh("dpkg-deb", ["-x", join(debs, deb), join(work, "root")]);
  const [version] = await readdir(join(work, "root/lib/modules"));
  if (!version) throw new LabError(`${deb} holds no kernel modules`);
  return version;
}
