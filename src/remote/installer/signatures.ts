// Detached signatures checked on the host with gpgv against one pinned key. gpgv's status
// lines are read, not its exit code alone: a signature counts only when VALIDSIG names the
// pinned primary key, so a keyring with an unexpected key in it cannot vouch for a file.
import { posix } from "node:path";
import { RemoteError } from "../../core/errors";
import { quote } from "../shell";
import { dearmor } from "./openpgp";
import type { Target } from "./target";

/** SigningKey is a public key and the primary key fingerprint its signatures must show. */
export interface SigningKey {
  /** The armored public key. */
  armored: string;
  /** 40 hex digits, no spaces. */
  fingerprint: string;
}

/** Signed is a file and its detached signature, both host paths. */
export interface Signed {
  file: string;
  signature: string;
  /** Where the file came from, for messages. */
  source: string;
}

/** installKeyring writes key as a binary keyring into folder (a host path) and returns its path. */
export async function installKeyring(target: Target, key: SigningKey, folder: string): Promise<string> {
  let keyring: Buffer;
  try {
    keyring = dearmor(key.armored);
  } catch (e) {
    throw new RemoteError(`the signing key ${key.fingerprint} cannot be read: ${(e as Error).message}`, { cause: e, hint: "this is a bug in pxectl or a damaged download of the key: please report it" });
  }
  const path = posix.join(folder, "keyring.gpg");
  await target.host.upload(keyring, path, { mode: 0o644 });
  return path;
}

/** verifySignatures checks every file against keyring and throws at the first that fails. */
export async function verifySignatures(target: Target, keyring: string, fingerprint: string, files: readonly Signed[]): Promise<void> {
  for (const f of files) {
    const result = await target.run(`gpgv --status-fd 1 --keyring ${quote(keyring)} -- ${quote(f.signature)} ${quote(f.file)} 2>/dev/null`, {
      label: `gpgv ${posix.basename(f.file)}`,
      okExitCodes: [0, 1, 2],
      timeoutMs: 10 * 60_000,
    });
    const signer = signerOf(result.stdout);
    if (result.exitCode !== 0 || signer !== fingerprint.toUpperCase()) {
      const why = /\bBADSIG\b/.test(result.stdout) ? "BAD signature" : /\bNO_PUBKEY\b/.test(result.stdout) ? "signed by an unknown key" : signer ? `signed by ${signer}, not ${fingerprint}` : "no valid signature";
      throw new RemoteError(`${posix.basename(f.file)} from ${f.source} failed its signature check (${why}); it was not installed`, {
        hint: "the download was damaged or tampered with; run the command again, and if it fails again, check the mirror",
      });
    }
  }
}

/** signerOf returns the primary key fingerprint of gpgv's VALIDSIG status line. */
export function signerOf(status: string): string | undefined {
  const line = status.split("\n").find((l) => l.startsWith("[GNUPG:] VALIDSIG "));
  return line?.trim().split(/\s+/).at(-1)?.toUpperCase();
}
