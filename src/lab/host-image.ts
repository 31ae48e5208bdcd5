// The matchbox host's disk for labs that replay SakuraCloud on one machine: Debian 12 built
// from Debian's packages (what SakuraCloud's "debian-12-latest" archive is), with systemd as
// PID 1, openssh-server, ifupdown for NIC 0 (as Debian installs it) and everything pxectl's
// installer would fetch with apt already in (lab VMs have no internet), plus Debian's kernel
// and an initramfs that mounts a virtio root. Booted with QEMU's direct kernel boot.
//
// Interface (kept stable for the SakuraCloud test server's real-machines mode):
//   ensureHostImage({ cacheDir, progress?, run? }): Promise<HostImage>
//       builds once under <cacheDir>/host-image/<recipe hash>/ (temp dir, then rename), reuses
//       it afterwards; a changed recipe is a new hash. HostImage.disk is a raw ext4 file
//       system (no partition table) mounted by the kernel as root=/dev/vda.
//   copyHostDisk(image, dest, { sizeGB? }): a sparse copy of image.disk (an archive's copy);
//       sizeGB grows the file system (SakuraCloud disks are larger than their archive).
//   editHostDisk(disk, edit) in ./disk-edit: host name, SSH keys, password login, NIC 0.
//   startHostVm / powerDownVm / forceOffVm / waitForSsh in ./host-vm: boot it with QEMU.
import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { LabError } from "../core/errors";

/** Runner runs a program and returns its stdout; it throws with stderr when it fails. */
export type Runner = (command: string, args: readonly string[]) => Promise<string>;

/** HostImage is a built host image: a root file system, the kernel and initrd to boot it. */
export interface HostImage {
  /** The folder holding the files below; its name is the recipe's hash. */
  dir: string;
  /** Raw ext4 image of the root file system, labelled HOST_ROOT_LABEL. */
  disk: string;
  kernel: string;
  initrd: string;
  /** Kernel command line for a VM whose first virtio disk is a copy of disk. */
  cmdline: string;
  /** The Debian kernel's version, e.g. 6.1.0-57-amd64. */
  kernelVersion: string;
  /** The recipe's hash (also the folder's name). */
  recipe: string;
}

/** HOST_IMAGE_PACKAGES are installed besides the minimal base: the OS a SakuraCloud Debian 12 server runs, and what pxectl's installer installs. */
export const HOST_IMAGE_PACKAGES = [
  // the system: systemd as init, logind (ACPI power button) with dbus, udev and modules
  "systemd-sysv", "udev", "dbus", "kmod", "procps", "less", "netbase", "iproute2", "ifupdown", "openssh-server", "ca-certificates",
  "linux-image-amd64", "initramfs-tools",
  // what the installer would apt-get install (src/remote/installer/packages.ts)
  "dnsmasq-base", "ipxe", "nftables", "curl", "gpgv",
] as const;

const SUITE = "bookworm";
/** The file system's label; fstab mounts it. */
export const HOST_ROOT_LABEL = "pxectl-root";
/** The base image's size: sparse, so only what is written takes space. */
const IMAGE_GB = 4;
/** Bump when the build below changes in a way the recipe text does not show. */
const BUILD_VERSION = "host-image-1";

/** debianMirror is Debian's mirror (PXECTL_DEBIAN_MIRROR overrides it, e.g. for a local cache). */
function debianMirror(env: NodeJS.ProcessEnv): string {
  return (env.PXECTL_DEBIAN_MIRROR ?? "http://deb.debian.org/debian").replace(/\/+$/, "");
}

// The initramfs carries only what mounts a virtio root: small, so it loads fast under TCG.
const SETUP_HOOK = `set -e
mkdir -p "$1/etc/initramfs-tools/conf.d"
echo MODULES=list > "$1/etc/initramfs-tools/conf.d/pxectl-lab.conf"
printf 'virtio_pci\\nvirtio_blk\\next4\\n' > "$1/etc/initramfs-tools/modules"
`;

// After the packages: a plain Debian server, with what differs per server left to disk edit.
// SSH host keys are made per disk by disk edit, so two servers never share them; the empty
// machine-id is filled in by disk edit too. The apt timers would only time out without internet.
const CUSTOMIZE_HOOK = `set -e
echo 'LABEL=${HOST_ROOT_LABEL} / ext4 errors=remount-ro 0 1' > "$1/etc/fstab"
echo debian > "$1/etc/hostname"
printf '127.0.0.1\\tlocalhost\\n::1\\t\\tlocalhost ip6-localhost ip6-loopback\\n' > "$1/etc/hosts"
printf '# interfaces(5) file used by ifup(8) and ifdown(8)\\nsource /etc/network/interfaces.d/*\\n\\nauto lo\\niface lo inet loopback\\n' > "$1/etc/network/interfaces"
rm -f "$1"/etc/ssh/ssh_host_*
: > "$1/etc/machine-id"
: > "$1/etc/resolv.conf"
for t in apt-daily.timer apt-daily-upgrade.timer; do ln -sf /dev/null "$1/etc/systemd/system/$t"; done
`;

/** hostImageRecipe is everything that decides the image's content; its hash names the build. */
export function hostImageRecipe(): string {
  return JSON.stringify({ version: BUILD_VERSION, suite: SUITE, packages: HOST_IMAGE_PACKAGES, setup: SETUP_HOOK, customize: CUSTOMIZE_HOOK, sizeGB: IMAGE_GB, label: HOST_ROOT_LABEL });
}

/** hostKernelCmdline boots the root file system on the first virtio disk, console on the serial port, NICs named eth0, eth1… */
export function hostKernelCmdline(): string {
  return `root=/dev/vda rw console=ttyS0 net.ifnames=0 biosdevname=0 panic=-1`;
}

const execFileAsync = promisify(execFile);

/** defaultRunner runs programs on this machine. */
export const defaultRunner: Runner = async (command, args) => {
  try {
    return (await execFileAsync(command, [...args], { maxBuffer: 64 << 20 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string; code?: string };
    if (err.code === "ENOENT") throw new LabError(`${command} is not installed`, { hint: "the host image needs: apt-get install mmdebstrap e2fsprogs qemu-system-x86", cause: e });
    const last = (err.stderr ?? err.message).trim().split("\n").slice(-3).join(" | ");
    throw new LabError(`${command} ${args.slice(0, 3).join(" ")}… failed: ${last}`, { cause: e });
  }
};

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function imageFiles(dir: string, recipe: string, kernelVersion: string): HostImage {
  return { dir, disk: join(dir, "root.img"), kernel: join(dir, "vmlinuz"), initrd: join(dir, "initrd.img"), cmdline: hostKernelCmdline(), kernelVersion, recipe };
}

/**
 * ensureHostImage returns the cached host image for the current recipe, building it first
 * when there is none. A build happens in a temporary folder renamed into place at the end,
 * so an interrupted build is never taken for a finished one (and is removed by the next).
 */
export async function ensureHostImage(o: { cacheDir: string; env?: NodeJS.ProcessEnv; progress?: (text: string) => void; run?: Runner }): Promise<HostImage & { built: boolean }> {
  const run = o.run ?? defaultRunner;
  const progress = o.progress ?? (() => undefined);
  const recipe = createHash("sha256").update(hostImageRecipe()).digest("hex").slice(0, 16);
  const root = join(o.cacheDir, "host-image");
  const dir = join(root, recipe);
  const versionFile = join(dir, "kernel-version");
  if (await exists(versionFile)) {
    return { ...imageFiles(dir, recipe, (await readFile(versionFile, "utf8")).trim()), built: false };
  }
  await mkdir(root, { recursive: true });
  // leftovers of interrupted builds (any recipe) are only ever partial: remove them
  for (const name of await readdir(root)) if (name.includes(".partial-")) await rm(join(root, name), { recursive: true, force: true });
  const work = join(root, `${recipe}.partial-${process.pid}`);
  await mkdir(work, { recursive: true });
  try {
    const tree = join(work, "tree");
    const mirror = debianMirror(o.env ?? process.env);
    progress(`building the Debian 12 host image with mmdebstrap (about 70 s)`);
    await run("mmdebstrap", [
      "--variant=minbase",
      "--mode=root",
      "--format=directory",
      `--include=${HOST_IMAGE_PACKAGES.join(",")}`,
      `--setup-hook=${SETUP_HOOK}`,
      `--customize-hook=${CUSTOMIZE_HOOK}`,
      SUITE,
      tree,
      `deb ${mirror} ${SUITE} main`,
      `deb ${mirror} ${SUITE}-updates main`,
      `deb ${mirror.replace(/\/debian$/, "/debian-security")} ${SUITE}-security main`,
    ]);
    const boot = await readdir(join(tree, "boot"));
    const kernelVersion = boot.find((f) => f.startsWith("vmlinuz-"))?.slice("vmlinuz-".length);
    if (!kernelVersion || !boot.includes(`initrd.img-${kernelVersion}`)) throw new LabError(`the host image has no kernel and initrd in /boot (found ${boot.join(", ")})`);
    const files = imageFiles(work, recipe, kernelVersion);
    await copyFile(join(tree, "boot", `vmlinuz-${kernelVersion}`), files.kernel);
    await copyFile(join(tree, "boot", `initrd.img-${kernelVersion}`), files.initrd);
    progress("making the host image's file system");
    await run("mke2fs", ["-q", "-F", "-t", "ext4", "-L", HOST_ROOT_LABEL, "-d", tree, files.disk, `${IMAGE_GB}G`]);
    await rm(tree, { recursive: true, force: true });
    await writeFile(join(work, "recipe.json"), hostImageRecipe());
    await writeFile(join(work, "kernel-version"), `${kernelVersion}\n`);
    await rename(work, dir);
    return { ...imageFiles(dir, recipe, kernelVersion), built: true };
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

/** copyHostDisk makes a server's disk from the image (sparse); sizeGB grows its file system. */
export async function copyHostDisk(image: Pick<HostImage, "disk">, dest: string, o: { sizeGB?: number; run?: Runner } = {}): Promise<void> {
  const run = o.run ?? defaultRunner;
  await run("cp", ["--sparse=always", "--", image.disk, dest]);
  if (o.sizeGB !== undefined && o.sizeGB > IMAGE_GB) {
    await run("truncate", ["-s", `${o.sizeGB}G`, dest]);
    await run("e2fsck", ["-f", "-p", dest]);
    await run("resize2fs", [dest]);
  }
}
