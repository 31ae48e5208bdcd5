// The lab's tiny operating system, built from Debian packages: the Debian kernel (downloaded
// with apt-get, never installed) and busybox, with an /init that installs like
// flatcar-install in miniature and, booted from the disk it wrote, plays the installed
// system. Also the install image the installer writes: a FAT disk that SYSLINUX boots (BIOS)
// and shim and GRUB boot (UEFI, with or without Secure Boot: both signed, as is Debian's
// kernel) into the same kernel and initrd. Cached by content, so later labs start in seconds.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import initTemplate from "../../templates/lab/init.sh.tmpl";
import udhcpcScript from "../../templates/lab/udhcpc.script.tmpl";
import { LabError } from "../core/errors";
import { removeDeadWorkFolders } from "../core/process";

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

export const SYSLINUX_MBR = "/usr/lib/syslinux/mbr/mbr.bin";
/**
 * DISK_EFI is what UEFI boots from the disk: shim (signed by Microsoft) at the removable-media
 * path, and beside it the GRUB shim loads (signed by Debian; its prefix is /EFI/debian).
 */
export const DISK_EFI = { shim: "/usr/lib/shim/shimx64.efi.signed", grub: "/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" };

const SYSLINUX_CFG = `DEFAULT installed
PROMPT 0
TIMEOUT 0
LABEL installed
  KERNEL /vmlinuz
  INITRD /initrd.img
  APPEND console=ttyS0 panic=-1 quiet pxectl.installed
`;

const GRUB_CFG = `set timeout=0
echo "pxectl: booting the installed system"
linux /vmlinuz console=ttyS0 panic=-1 quiet pxectl.installed
initrd /initrd.img
boot
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
    if (err.code === "ENOENT") throw new LabError(`${cmd} is not installed`, { hint: "the lab needs: apt-get install busybox-static cpio syslinux mtools dosfstools shim-signed grub-efi-amd64-signed", cause: e });
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
  return createHash("sha256").update(BUILD_VERSION).update(initScript()).update(udhcpcScript).update(SYSLINUX_CFG).update(GRUB_CFG).digest("hex").slice(0, 12);
}

/**
 * removeAbandonedBuilds deletes the work folders (<build>.build-<pid>) of builds whose process
 * is gone, killed part way: a build in progress in another process is left alone. Returns their names.
 */
export const removeAbandonedBuilds = (cacheDir: string): Promise<string[]> => removeDeadWorkFolders(cacheDir, "build");

/** ensureInstallerOs builds (once per version of /init) the kernel, initrd and install image under cacheDir. */
export async function ensureInstallerOs(cacheDir: string, report: (t: string) => void = () => undefined, signal?: AbortSignal): Promise<InstallerOs> {
  // Ctrl-C is checked at each stage: a build cut short leaves only its work folder, removed below
  const progress = (t: string) => (signal?.throwIfAborted(), report(t));
  signal?.throwIfAborted();
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
  await writeFile(join(work, "grub.cfg"), GRUB_CFG);
  await buildBootDisk(image, join(out, "vmlinuz"), join(out, "initrd.img"), join(work, "syslinux.cfg"), join(work, "grub.cfg"));
  await writeFile(join(out, "kernel-version"), kernelVersion + "\n");
  await rm(dir, { recursive: true, force: true });
  await rename(out, dir);
  return kernelVersion;
}

/** BUILD_VERSION changes whenever the way the files are built changes: the cache key includes it. */
const BUILD_VERSION = "mbr-fat16-shim-1";

/** The FAT partition starts 1 MiB in, as partitioning tools place it. */
const PARTITION_SECTOR = 2048;

/**
 * buildBootDisk makes a disk image with an MBR (SYSLINUX's boot code, one active FAT
 * partition) that BIOS boots through SYSLINUX and UEFI through shim and GRUB at the
 * removable-media path: firmware lists a partitioned disk as a boot option, a bare FS not.
 */
async function buildBootDisk(image: string, kernel: string, initrd: string, config: string, grubConfig: string): Promise<void> {
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
  // UEFI firmware boots the same partition through the removable-media path: shim, then the
  // GRUB beside it, which reads its config from its prefix. All signed, so Secure Boot passes.
  await sh("mmd", ["-i", fs, "::EFI", "::EFI/BOOT", "::EFI/debian"]);
  await sh("mcopy", ["-i", fs, DISK_EFI.shim, "::EFI/BOOT/BOOTX64.EFI"]);
  await sh("mcopy", ["-i", fs, DISK_EFI.grub, "::EFI/BOOT/grubx64.efi"]);
  await sh("mcopy", ["-i", fs, grubConfig, "::EFI/debian/grub.cfg"]);
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
