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

/** verifySignatures checks every file against keyring (in one command) and throws at the first that fails. */
export async function verifySignatures(target: Target, keyring: string, fingerprint: string, files: readonly Signed[]): Promise<void> {
  const script = files.map((f) => `gpgv --status-fd 1 --keyring ${quote(keyring)} -- ${quote(f.signature)} ${quote(f.file)} 2>/dev/null; echo "${SEPARATOR}$?"`);
  const { stdout } = await target.run(script.join("\n"), { label: `gpgv ${files.map((f) => posix.basename(f.file)).join(" ")}`, timeoutMs: 10 * 60_000 });
  const results = stdout.split("\n").reduce<Array<{ status: string; exitCode?: number }>>(
    (acc, line) => {
      const last = acc[acc.length - 1]!;
      if (line.startsWith(SEPARATOR)) {
        last.exitCode = Number(line.slice(SEPARATOR.length));
        acc.push({ status: "" });
      } else last.status += `${line}\n`;
      return acc;
    },
    [{ status: "" }],
  );
  files.forEach((f, i) => {
    const { status, exitCode } = results[i] ?? { status: "" };
    const signer = signerOf(status);
    if (exitCode === 0 && signer === fingerprint.toUpperCase()) return;
    const why = /\bBADSIG\b/.test(status) ? "BAD signature" : /\bNO_PUBKEY\b/.test(status) ? "signed by an unknown key" : signer ? `signed by ${signer}, not ${fingerprint}` : "no valid signature";
    throw new RemoteError(`${posix.basename(f.file)} from ${f.source} failed its signature check (${why}); it was not installed`, {
      hint: "the download was damaged or tampered with; run the command again, and if it fails again, check the mirror",
    });
  });
}

const SEPARATOR = "### pxectl:gpgv-exit ";

/** signerOf returns the primary key fingerprint of gpgv's VALIDSIG status line. */
export function signerOf(status: string): string | undefined {
  const line = status.split("\n").find((l) => l.startsWith("[GNUPG:] VALIDSIG "));
  return line?.trim().split(/\s+/).at(-1)?.toUpperCase();
}
