// A throwaway OpenPGP signing key in its own GNUPGHOME, for fake signed releases.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** TestSigner signs bytes with a key made for one test file. */
export class TestSigner {
  private constructor(
    private readonly home: string,
    /** The key's primary fingerprint, 40 hex digits. */
    readonly fingerprint: string,
    /** The armored public key. */
    readonly publicKey: string,
  ) {}

  static create(): TestSigner {
    const home = mkdtempSync(join(tmpdir(), "pxectl-gpg-"));
    const gpg = (...args: string[]) => execFileSync("gpg", ["--homedir", home, "--batch", "--quiet", ...args], { encoding: "utf8" });
    gpg("--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", "pxectl test signer <test@pxectl.invalid>", "ed25519", "sign", "never");
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--fingerprint"))![1]!;
    return new TestSigner(home, fingerprint, gpg("--armor", "--export", fingerprint));
  }

  /** sign returns a detached signature of data: binary (.sig) or armored (.asc). */
  sign(data: Buffer | string, { armor = false } = {}): Buffer {
    const file = join(this.home, "data");
    writeFileSync(file, data);
    rmSync(`${file}.sig`, { force: true });
    execFileSync("gpg", ["--homedir", this.home, "--batch", "--quiet", "--yes", ...(armor ? ["--armor"] : []), "--detach-sign", "-o", `${file}.sig`, file]);
    return readFileSync(`${file}.sig`);
  }

  /** dispose stops the agent gpg started for this home and deletes it. */
  dispose(): void {
    try {
      execFileSync("gpgconf", ["--homedir", this.home, "--kill", "all"], { stdio: "ignore" });
    } finally {
      rmSync(this.home, { recursive: true, force: true });
    }
  }
}
