// The host image's cache, with the build's programs replaced by a runner that makes what
// mmdebstrap and mke2fs would (the real build runs in host-vm.test.ts): built once, reused
// after, and an interrupted build never taken for a finished one.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Runner, HOST_IMAGE_PACKAGES, copyHostDisk, ensureHostImage, hostImageRecipe } from "../../src/lab/host-image";
import { PACKAGES } from "../../src/remote/installer/packages";
import { tempDir } from "../support/tempdir";

function fakeBuild(o: { failAt?: string } = {}) {
  const calls: string[] = [];
  const run: Runner = (command, args) => {
    calls.push(command);
    if (command === o.failAt) return Promise.reject(new Error(`${command} failed`));
    if (command === "mmdebstrap") {
      const tree = args[args.findIndex((a) => a === "bookworm") + 1]!;
      mkdirSync(join(tree, "boot"), { recursive: true });
      writeFileSync(join(tree, "boot/vmlinuz-6.1.0-99-amd64"), "kernel");
      writeFileSync(join(tree, "boot/initrd.img-6.1.0-99-amd64"), "initrd");
    }
    if (command === "mke2fs") writeFileSync(args[args.indexOf("-d") + 2]!, "ext4");
    return Promise.resolve("");
  };
  return { run, calls };
}

describe("the host image cache", () => {
  it("builds once, then reuses the build for the same recipe", async () => {
    const cacheDir = tempDir();
    const first = fakeBuild();
    const built = await ensureHostImage({ cacheDir, run: first.run });
    expect(built).toMatchObject({ built: true, kernelVersion: "6.1.0-99-amd64", cmdline: expect.stringContaining("root=/dev/vda") });
    expect(first.calls).toEqual(["mmdebstrap", "mke2fs"]);
    for (const f of [built.disk, built.kernel, built.initrd]) expect(existsSync(f)).toBe(true);
    expect(existsSync(join(built.dir, "tree"))).toBe(false); // the tree is in the disk now

    const second = fakeBuild();
    const reused = await ensureHostImage({ cacheDir, run: second.run });
    expect(second.calls).toEqual([]);
    expect(reused).toEqual({ ...built, built: false });
  });

  it("leaves nothing that looks finished when a build fails, and clears an interrupted build's leftovers", async () => {
    const cacheDir = tempDir();
    await expect(ensureHostImage({ cacheDir, run: fakeBuild({ failAt: "mke2fs" }).run })).rejects.toThrow("mke2fs failed");
    expect(readdirSync(join(cacheDir, "host-image"))).toEqual([]);
    // a build killed midway leaves its temporary folder: the next build removes it, but not one
    // a live process (here: the test runner's parent) is still making
    const dead = spawnSync("true").pid;
    mkdirSync(join(cacheDir, "host-image", `0123456789abcdef.partial-${dead}`, "tree"), { recursive: true });
    mkdirSync(join(cacheDir, "host-image", `0123456789abcdef.partial-${process.ppid}`, "tree"), { recursive: true });
    const built = await ensureHostImage({ cacheDir, run: fakeBuild().run });
    expect(readdirSync(join(cacheDir, "host-image")).sort()).toEqual([built.recipe, `0123456789abcdef.partial-${process.ppid}`].sort());
  });

  it("names its build after a recipe holding everything the installer would install", () => {
    const recipe = JSON.parse(hostImageRecipe()) as { packages: string[] };
    for (const p of [...PACKAGES, "openssh-server", "systemd-sysv", "linux-image-amd64"]) expect(recipe.packages).toContain(p);
    expect(recipe.packages).toEqual([...HOST_IMAGE_PACKAGES]);
  });

  it("copies a disk sparsely, and grows its file system to a larger disk size", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "tree/etc"), { recursive: true });
    writeFileSync(join(dir, "tree/etc/hostname"), "debian\n");
    execFileSync("mke2fs", ["-q", "-F", "-t", "ext4", "-d", join(dir, "tree"), join(dir, "image.img"), "64M"]);
    await copyHostDisk({ disk: join(dir, "image.img") }, join(dir, "same.img"));
    expect(statSync(join(dir, "same.img")).size).toBe(64 << 20);
    await copyHostDisk({ disk: join(dir, "image.img") }, join(dir, "big.img"), { sizeGB: 2 });
    expect(statSync(join(dir, "big.img")).size).toBe(2 * 2 ** 30);
    expect(statSync(join(dir, "big.img")).blocks * 512).toBeLessThan(64 << 20); // sparse
    const header = execFileSync("dumpe2fs", ["-h", join(dir, "big.img")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const [count, size] = [/Block count:\s+(\d+)/, /Block size:\s+(\d+)/].map((re) => Number(re.exec(header)![1]));
    expect(count! * size!).toBe(2 * 2 ** 30);
  });
});
