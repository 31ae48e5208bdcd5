// Disk edit on a small ext4 image made here with mke2fs -d (no root, no VM): the files land
// with their content, mode and owner, the old ones are replaced, a missing /root/.ssh is
// made, every disk gets its own host keys, and a bad host name is refused before writing.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diskEditFiles, editHostDisk, readDiskFile } from "../../src/lab/disk-edit";
import { tempDir } from "../support/tempdir";

function smallDisk(): string {
  const dir = tempDir();
  const tree = join(dir, "tree");
  for (const d of ["etc/ssh/sshd_config.d", "etc/network", "root"]) mkdirSync(join(tree, d), { recursive: true });
  writeFileSync(join(tree, "etc/hostname"), "debian\n");
  writeFileSync(join(tree, "etc/shadow"), "root:*:20000:0:99999:7:::\ndaemon:*:20000:0:99999:7:::\n");
  writeFileSync(join(tree, "etc/group"), "root:x:0:\nshadow:x:42:\n");
  writeFileSync(join(tree, "etc/network/interfaces"), "source /etc/network/interfaces.d/*\n");
  const disk = join(dir, "disk.img");
  execFileSync("mke2fs", ["-q", "-F", "-t", "ext4", "-d", tree, disk, "16M"]);
  return disk;
}

function inode(disk: string, path: string): { mode: string; uid: string; gid: string } {
  const out = execFileSync("debugfs", ["-R", `stat ${path}`, disk], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return { mode: /Mode:\s+(\d+)/.exec(out)![1]!, uid: /User:\s+(\d+)/.exec(out)![1]!, gid: /Group:\s+(\d+)/.exec(out)![1]! };
}

describe("disk edit", () => {
  it("writes the host name, root's keys, password login off and NIC 0's address, with their modes", async () => {
    const disk = smallDisk();
    const result = await editHostDisk(disk, {
      hostName: "demo-matchbox",
      sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv4 operator"],
      disablePasswordAuth: true,
      password: "not-in-clear",
      network: { address: "198.18.5.10", prefixLength: 24, gateway: "198.18.5.1", nameservers: ["198.18.5.1"] },
    });
    expect(await readDiskFile(disk, "/etc/hostname")).toBe("demo-matchbox\n");
    expect(await readDiskFile(disk, "/etc/hosts")).toContain("127.0.1.1\tdemo-matchbox");
    expect(await readDiskFile(disk, "/root/.ssh/authorized_keys")).toBe("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOv4 operator\n");
    expect(inode(disk, "/root/.ssh")).toEqual({ mode: "0700", uid: "0", gid: "0" });
    expect(inode(disk, "/root/.ssh/authorized_keys")).toEqual({ mode: "0600", uid: "0", gid: "0" });
    expect(await readDiskFile(disk, "/etc/ssh/sshd_config.d/60-disk-edit.conf")).toContain("PasswordAuthentication no");
    const interfaces = await readDiskFile(disk, "/etc/network/interfaces");
    expect(interfaces).toContain("auto eth0\niface eth0 inet static\n    address 198.18.5.10/24\n    gateway 198.18.5.1\n");
    expect(await readDiskFile(disk, "/etc/resolv.conf")).toBe("nameserver 198.18.5.1\n");
    // the password is stored hashed, readable by root and group shadow only
    const shadow = (await readDiskFile(disk, "/etc/shadow"))!;
    expect(shadow).toMatch(/^root:\$6\$[^:]+:20000:/);
    expect(shadow).not.toContain("not-in-clear");
    expect(shadow).toContain("daemon:*:");
    expect(inode(disk, "/etc/shadow")).toEqual({ mode: "0640", uid: "0", gid: "42" });
    // host keys of its own: private ones 0600, and what the result reports is what sshd will show
    expect(result.hostKeys.map((k) => k.keyType).sort()).toEqual(["ecdsa-sha2-nistp256", "ssh-ed25519", "ssh-rsa"]);
    expect(inode(disk, "/etc/ssh/ssh_host_ed25519_key").mode).toBe("0600");
    const ed25519 = result.hostKeys.find((k) => k.keyType === "ssh-ed25519")!;
    expect(await readDiskFile(disk, "/etc/ssh/ssh_host_ed25519_key.pub")).toBe(`${ed25519.publicKey}\n`);
    expect((await readDiskFile(disk, "/etc/machine-id"))!).toMatch(/^[0-9a-f]{32}\n$/);
  });

  it("gives every disk its own host keys and machine-id", async () => {
    const [a, b] = [smallDisk(), smallDisk()];
    const [ka, kb] = [await editHostDisk(a, {}), await editHostDisk(b, {})];
    expect(ka.hostKeys.map((k) => k.fingerprint)).not.toEqual(kb.hostKeys.map((k) => k.fingerprint));
    expect(await readDiskFile(a, "/etc/machine-id")).not.toBe(await readDiskFile(b, "/etc/machine-id"));
    // nothing asked, nothing else written
    expect(await readDiskFile(a, "/etc/hostname")).toBe("debian\n");
  });

  it("refuses a host name the OS cannot take, before writing anything", () => {
    expect(() => diskEditFiles({ hostName: "demo_matchbox" })).toThrow('disk edit: "demo_matchbox" is not a valid host name');
  });
});
