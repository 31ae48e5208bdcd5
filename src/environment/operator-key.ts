// The operator's SSH key for the matchbox host: the one in pxectl.yaml (host.ssh_key),
// or an ed25519 pair pxectl generates once in .pxectl/ssh/ (0600). Generated in OpenSSH
// format so plain `ssh -i .pxectl/ssh/id_ed25519` works too.
import { join } from "node:path";
import { homedir } from "node:os";
import type { ParsedKey, utils as Ssh2Utils } from "ssh2";
import { ConfigError } from "../core/errors";
import { type FileSystem, ensurePrivateDir, nodeFs, readTextIfExists, writeFileAtomic } from "../config/files";

export interface OperatorKey {
  privateKeyPath: string;
  privateKey: string;
  /** OpenSSH one-line form, "ssh-ed25519 AAAA... comment". */
  publicKey: string;
  generated: boolean;
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/** operatorKey loads the configured key, or creates .pxectl/ssh/id_ed25519 on first use. */
export async function operatorKey(o: { configured?: string; baseDir: string; sshDir: string; comment: string; fs?: FileSystem }): Promise<OperatorKey> {
  const fs = o.fs ?? nodeFs;
  const { utils } = await import("ssh2");
  if (o.configured) {
    const path = expandHome(o.configured.startsWith("/") || o.configured.startsWith("~") ? o.configured : join(o.baseDir, o.configured));
    const privateKey = await readTextIfExists(path, fs);
    if (privateKey === undefined) throw new ConfigError([{ file: "pxectl.yaml", path: "host.ssh_key", message: `${path} does not exist` }], { hint: "point host.ssh_key at a private key file, or remove it to let pxectl generate one" });
    const publicKey = (await readTextIfExists(`${path}.pub`, fs))?.trim() ?? publicFromPrivate(utils, privateKey, path);
    return { privateKeyPath: path, privateKey, publicKey, generated: false };
  }
  const path = join(o.sshDir, "id_ed25519");
  const existing = await readTextIfExists(path, fs);
  if (existing !== undefined) {
    const publicKey = (await readTextIfExists(`${path}.pub`, fs))?.trim() ?? publicFromPrivate(utils, existing, path);
    return { privateKeyPath: path, privateKey: existing, publicKey, generated: false };
  }
  const pair = utils.generateKeyPairSync("ed25519", { comment: o.comment });
  await ensurePrivateDir(o.sshDir, fs);
  await writeFileAtomic(path, pair.private, { fs });
  await writeFileAtomic(`${path}.pub`, pair.public + "\n", { fs, mode: 0o644 });
  return { privateKeyPath: path, privateKey: pair.private, publicKey: pair.public, generated: true };
}

function publicFromPrivate(utils: typeof Ssh2Utils, privateKey: string, path: string): string {
  const parsed = utils.parseKey(privateKey);
  const key: ParsedKey | Error | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
  if (!key || key instanceof Error) {
    throw new ConfigError([{ file: "pxectl.yaml", path: "host.ssh_key", message: `${path} is not a private key pxectl can read${key instanceof Error ? `: ${key.message}` : ""}` }], {
      hint: "use an unencrypted OpenSSH or PEM key, or let pxectl generate one",
    });
  }
  return `${key.type} ${key.getPublicSSH().toString("base64")}${key.comment ? ` ${key.comment}` : ""}`;
}
