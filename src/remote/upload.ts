// Atomic uploads: the bytes go over SFTP to a temporary name, get their mode and owner
// there, and are renamed over the target in one step, so a reader (a service starting,
// dnsmasq re-reading its config) never sees half a file or a key with loose permissions.
import { randomBytes } from "node:crypto";
import { posix } from "node:path";
import type { SFTPWrapper } from "ssh2";
import { RemoteError } from "../core/errors";
import type { ExecOptions, ExecResult, UploadOptions } from "./host";
import { quote } from "./shell";

/** UploadVia is what an upload needs from the connection. */
export interface UploadVia {
  user: string;
  sftp(): Promise<SFTPWrapper>;
  /** Calls listener if the connection drops (SFTP calls on a dead connection never return); returns an unsubscribe. */
  onConnectionLost?(listener: (error: Error) => void): () => void;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** A folder only the login user can read (mktemp -d), for a sudo user's uploads. */
  stagingFolder(): Promise<string>;
}

/**
 * uploadAtomically writes data to path with options' mode and owner. As root the bytes
 * land next to the target; a sudo user cannot write there over SFTP, so they land in the
 * user's private staging folder first and are copied next to the target as root (under
 * umask 077, so the copy is never readable by others before its chmod).
 */
export async function uploadAtomically(via: UploadVia, data: Uint8Array, path: string, options: UploadOptions): Promise<void> {
  if (!posix.isAbsolute(path)) throw new RemoteError(`cannot upload to ${path}: the path must be absolute`, { hint: "this is a bug in pxectl: please report it" });
  const dir = posix.dirname(path);
  const temp = posix.join(dir, `.${posix.basename(path)}.${randomBytes(6).toString("hex")}.pxectl-tmp`);
  const random = randomBytes(6).toString("hex");
  const staged = via.user === "root" ? temp : posix.join(await via.stagingFolder(), random);
  try {
    await untilDropped(via, async () => writeOverSftp(await via.sftp(), staged, data, path));
    const owner = `${options.owner ?? "root"}:${options.group ?? options.owner ?? "root"}`;
    const script = [
      "set -e",
      "umask 077",
      `trap 'rm -f ${quote(temp)}' EXIT`,
      staged === temp ? undefined : `cp -- ${quote(staged)} ${quote(temp)} && rm -f -- ${quote(staged)}`,
      `chown ${quote(owner)} ${quote(temp)}`,
      `chmod ${options.mode.toString(8).padStart(4, "0")} ${quote(temp)}`,
      `mv -f -- ${quote(temp)} ${quote(path)}`,
      "trap - EXIT",
    ].filter((line) => line !== undefined);
    await via.exec(script.join("\n"), { asRoot: true, label: `install ${path}` });
  } catch (e) {
    // a write cut short leaves a partial file behind; the script cleans up after itself
    await via.exec(`rm -f -- ${quote(staged)}`, { label: `remove ${staged}`, idempotent: true, asRoot: staged === temp }).catch(() => undefined);
    throw e;
  }
}

/** untilDropped settles with work, or rejects when the connection drops first. */
function untilDropped<T>(via: UploadVia, work: () => Promise<T>): Promise<T> {
  if (!via.onConnectionLost) return work();
  let unsubscribe = () => {};
  const dropped = new Promise<never>((_, reject) => (unsubscribe = via.onConnectionLost!(reject)));
  return Promise.race([work(), dropped]).finally(unsubscribe);
}

function writeOverSftp(sftp: SFTPWrapper, staged: string, data: Uint8Array, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // 0600 from the first byte: the file may be a private key
    sftp.writeFile(staged, Buffer.from(data), { mode: 0o600, flag: "w" }, (err) => {
      if (!err) return resolve();
      const code = (err as Error & { code?: number }).code;
      const why = code === 2 ? "its folder does not exist" : code === 3 ? "permission denied" : err.message;
      reject(new RemoteError(`cannot upload ${target}: ${why}`, { cause: err, hint: "check that the folder exists and is writable by the login user" }));
    });
  });
}
