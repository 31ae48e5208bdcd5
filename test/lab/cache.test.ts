// The lab OS cache: a build killed part way leaves a <build>.build-<pid> folder, which the
// next lab up removes; a build another live process is making, and finished builds, stay.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureInstallerOs, installerOsBuild, removeAbandonedBuilds } from "../../src/lab/installer-os";
import { tempDir } from "../support/tempdir";

/** deadPid is the pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid!;
}

let live: ChildProcess | undefined;
afterEach(() => {
  live?.kill("SIGKILL");
  live = undefined;
});

describe("the lab OS cache", () => {
  it("removes the work folders of builds whose process is gone, and keeps the others", async () => {
    const cache = tempDir();
    live = spawn("sleep", ["600"]);
    const dead = await deadPid();
    for (const name of [`abc.build-${dead}`, `abc.build-${live.pid}`, "abc", "debs"]) mkdirSync(join(cache, name, "sub"), { recursive: true });
    expect(await removeAbandonedBuilds(cache)).toEqual([`abc.build-${dead}`]);
    expect(readdirSync(cache).sort()).toEqual(["abc", `abc.build-${live.pid}`, "debs"]);
  });

  it("cleans on every lab up, also when the lab OS is already built", async () => {
    const build = installerOsBuild();
    const dead = await deadPid();
    const cache = tempDir({ [`${build}/kernel-version`]: "6.1.0-test\n", [`${build}.build-${dead}/initrd/bin/busybox`]: "x".repeat(1000) });
    const os = await ensureInstallerOs(cache);
    expect(os).toMatchObject({ kernelVersion: "6.1.0-test", kernel: join(cache, build, "vmlinuz") });
    expect(existsSync(join(cache, `${build}.build-${dead}`))).toBe(false);
  });

  it("a build that fails leaves no work folder", async () => {
    const cache = tempDir();
    // a kernel package that is not one: the build fails at unpacking it
    mkdirSync(join(cache, "debs"));
    writeFileSync(join(cache, "debs", "linux-image-0-test.deb"), "not a deb");
    await expect(ensureInstallerOs(cache)).rejects.toThrow();
    expect(readdirSync(cache).sort()).toEqual(["debs"]);
  });
});
