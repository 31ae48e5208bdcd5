// SakuraCloud's "disk edit" (PUT /disk/:id/config) for lab disks: what the real one writes
// into a Debian server's disk before its first boot, written here with debugfs into the
// ext4 file system of a host-image copy (no mount, no loop device). Besides what the API
// asks for, every disk gets its own SSH host keys and machine-id, as a fresh install has.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { LabError } from "../core/errors";
import { describeHostKey } from "../remote/fingerprint";
import { type Runner, defaultRunner } from "./host-image";

/** DiskEditSpec is what the API's disk edit can set (one NIC: NIC 0). */
export interface DiskEditSpec {
  hostName?: string;
  /** OpenSSH public key lines for root (SakuraCloud's Debian images log in as root). */
  sshPublicKeys?: readonly string[];
  /** PasswordAuthentication no for sshd. */
  disablePasswordAuth?: boolean;
  /** root's password; hashed here, never stored in clear. */
  password?: string;
  /** NIC 0 (eth0): a static address; without it the disk keeps no NIC configuration. */
  network?: { address: string; prefixLength: number; gateway?: string; nameservers?: readonly string[] };
}

/** DiskEditResult tells what the disk's sshd will present, so a lab can check pinning. */
export interface DiskEditResult {
  hostKeys: Array<{ keyType: string; fingerprint: string; publicKey: string }>;
}

interface EditedFile {
  path: string;
  content: string;
  mode: number;
}

/** diskEditFiles are the files disk edit writes for spec (pure: no host keys, no password). */
export function diskEditFiles(spec: DiskEditSpec): EditedFile[] {
  const files: EditedFile[] = [{ path: "/etc/machine-id", content: `${randomBytes(16).toString("hex")}\n`, mode: 0o444 }];
  if (spec.hostName !== undefined) {
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(spec.hostName)) throw new LabError(`disk edit: ${JSON.stringify(spec.hostName)} is not a valid host name`);
    files.push({ path: "/etc/hostname", content: `${spec.hostName}\n`, mode: 0o644 });
    files.push({ path: "/etc/hosts", content: `127.0.0.1\tlocalhost\n127.0.1.1\t${spec.hostName}\n::1\t\tlocalhost ip6-localhost ip6-loopback\n`, mode: 0o644 });
  }
  if (spec.sshPublicKeys && spec.sshPublicKeys.length > 0) {
    files.push({ path: "/root/.ssh/authorized_keys", content: spec.sshPublicKeys.map((k) => `${k.trim()}\n`).join(""), mode: 0o600 });
  }
  if (spec.disablePasswordAuth) {
    files.push({ path: "/etc/ssh/sshd_config.d/60-disk-edit.conf", content: "PasswordAuthentication no\nKbdInteractiveAuthentication no\n", mode: 0o644 });
  }
  if (spec.network) {
    const n = spec.network;
    const lines = ["# written by disk edit", "source /etc/network/interfaces.d/*", "", "auto lo", "iface lo inet loopback", "", "auto eth0", "iface eth0 inet static", `    address ${n.address}/${n.prefixLength}`];
    if (n.gateway) lines.push(`    gateway ${n.gateway}`);
    files.push({ path: "/etc/network/interfaces", content: `${lines.join("\n")}\n`, mode: 0o644 });
    if (n.nameservers && n.nameservers.length > 0) files.push({ path: "/etc/resolv.conf", content: n.nameservers.map((s) => `nameserver ${s}\n`).join(""), mode: 0o644 });
  }
  return files;
}

/**
 * editHostDisk writes the disk-edit files, fresh SSH host keys and a fresh machine-id into
 * disk (a raw ext4 image not in use by a VM), then reads every file back to check it.
 */
export async function editHostDisk(disk: string, spec: DiskEditSpec, o: { run?: Runner } = {}): Promise<DiskEditResult> {
  const runner = o.run ?? defaultRunner;
  const work = await mkdtemp(join(tmpdir(), "pxectl-disk-edit-"));
  try {
    const files = diskEditFiles(spec);
    // ssh-keygen -A makes every default key type under <prefix>/etc/ssh
    await runner("mkdir", ["-p", join(work, "keys/etc/ssh")]);
    await runner("ssh-keygen", ["-q", "-A", "-f", join(work, "keys")]);
    const keyDir = join(work, "keys/etc/ssh");
    const hostKeys: DiskEditResult["hostKeys"] = [];
    for (const name of (await readdir(keyDir)).sort()) {
      const content = await readFile(join(keyDir, name), "utf8");
      const pub = name.endsWith(".pub");
      files.push({ path: `/etc/ssh/${name}`, content, mode: pub ? 0o644 : 0o600 });
      if (pub) {
        const [, blob] = content.trim().split(/\s+/);
        hostKeys.push({ ...describeHostKey(Buffer.from(blob!, "base64")), publicKey: content.trim() });
      }
    }
    if (spec.password !== undefined) files.push(await shadowWithPassword(disk, spec.password, runner));
    await writeWithDebugfs(disk, files, work, runner);
    await checkWritten(disk, files, runner);
    return { hostKeys };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** readDiskFile reads one file from a raw ext4 image (undefined when it is not there). */
export async function readDiskFile(disk: string, path: string, runner: Runner = defaultRunner): Promise<string | undefined> {
  const out = await runner("debugfs", ["-R", `cat ${path}`, disk]).catch(() => undefined);
  return out;
}

async function shadowWithPassword(disk: string, password: string, runner: Runner): Promise<EditedFile> {
  const shadow = await readDiskFile(disk, "/etc/shadow", runner);
  if (!shadow?.startsWith("root:")) throw new LabError(`disk edit: ${disk} has no /etc/shadow with root in it`);
  // the password goes to openssl on stdin, never on a command line
  const child = execFile("openssl", ["passwd", "-6", "-stdin"]);
  child.stdin!.end(`${password}\n`);
  let hash = "";
  child.stdout!.on("data", (d: Buffer) => (hash += d.toString()));
  await new Promise<void>((resolve, reject) => child.on("close", (code) => (code === 0 ? resolve() : reject(new LabError("disk edit: openssl passwd failed")))));
  const lines = shadow.split("\n").map((l) => (l.startsWith("root:") ? l.replace(/^root:[^:]*:/, `root:${hash.trim()}:`) : l));
  return { path: "/etc/shadow", content: lines.join("\n"), mode: 0o640 };
}

// debugfs writes a file into its current folder under a bare name: cd there first, remove
// the old file (an error when there is none, which -f scripts go past), write, set mode and owner.
async function writeWithDebugfs(disk: string, files: readonly EditedFile[], work: string, runner: Runner): Promise<void> {
  const script: string[] = [];
  const folders = [...new Set(files.map((f) => posix.dirname(f.path)))];
  for (const folder of folders) {
    // only /root/.ssh may be missing on a fresh image; mkdir on an existing folder is a harmless error
    if (folder === "/root/.ssh") script.push("mkdir /root/.ssh", "sif /root/.ssh mode 040700");
  }
  for (const [i, f] of files.entries()) {
    const local = join(work, `file-${i}`);
    await writeFile(local, f.content, { mode: 0o600 });
    const name = posix.basename(f.path);
    script.push(`cd ${posix.dirname(f.path)}`, `rm ${name}`, `write ${local} ${name}`, `sif ${name} mode 0${(0o100000 | f.mode).toString(8)}`, `sif ${name} uid 0`, `sif ${name} gid ${f.path === "/etc/shadow" ? await shadowGroup(disk, runner) : 0}`);
  }
  const scriptFile = join(work, "debugfs.script");
  await writeFile(scriptFile, `${script.join("\n")}\n`);
  await runner("debugfs", ["-w", "-f", scriptFile, disk]);
}

async function shadowGroup(disk: string, runner: Runner): Promise<number> {
  const group = await readDiskFile(disk, "/etc/group", runner);
  const line = group?.split("\n").find((l) => l.startsWith("shadow:"));
  return Number(line?.split(":")[2] ?? 0);
}

async function checkWritten(disk: string, files: readonly EditedFile[], runner: Runner): Promise<void> {
  for (const f of files) {
    const seen = await readDiskFile(disk, f.path, runner);
    if (seen !== f.content) throw new LabError(`disk edit: ${f.path} on ${disk} does not hold what was written`, { hint: "check that no VM uses the disk and that debugfs (e2fsprogs) works" });
  }
}

