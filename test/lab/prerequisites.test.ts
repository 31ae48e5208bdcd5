// What the lab says on a machine that cannot run it: one line naming every missing piece
// and the packages to install, exit code 13, and no file written.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

describe("lab up on a machine without the lab's programs", () => {
  it("names every missing program and its package, and writes nothing", async () => {
    const dir = tempDir();
    const r = await runCli(["lab", "up"], { cwd: dir, env: { PATH: "/nonexistent" } });
    expect(r.exitCode).toBe(13);
    const [error, hint, ...rest] = r.stderr.trimEnd().split("\n");
    expect(rest).toEqual([]);
    expect(error).toMatch(/^error: the boot lab cannot run here: it needs .*ip, dnsmasq, qemu-system-x86_64, cpio, mkfs\.vfat, syslinux, mcopy/);
    expect(hint).toMatch(/^hint: (run it with sudo; )?apt-get install iproute2 dnsmasq-base qemu-system-x86 cpio dosfstools syslinux mtools( syslinux-common)?$/); // syslinux-common when this machine lacks it too
    expect(readdirSync(dir)).toEqual([]);
  });

  it("lab status without a lab says how to start one", async () => {
    const dir = tempDir({ "pxectl.yaml": "name: demo\nprovider: existing\nhost:\n  address: 10.0.0.5\n" });
    const r = await runCli(["lab", "status"], { cwd: dir });
    expect(r).toMatchObject({ exitCode: 13, stderr: "error: the lab is not up\nhint: sudo pxectl lab up\n" });
  });
});
