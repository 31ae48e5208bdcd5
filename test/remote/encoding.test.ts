// Small encodings the SSH layer and installer rely on, checked against the real tools:
// shell quoting (through sh), ASCII armor (against gpg --dearmor), host key fingerprints
// (against ssh-keygen).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeHostKey, isFingerprint, quote } from "../../src/remote";
import { FLATCAR_SIGNING_KEY } from "../../src/remote/installer";
import { crc24, dearmor, v4Fingerprint } from "../../src/remote/installer/openpgp";
import { TestSigner } from "../support/gpg";
import { tempDir } from "../support/tempdir";

describe("quote", () => {
  it.each(["plain", "with space", "it's", `"double" $HOME \`id\` \\ ; | & * ? [a] ~`, "", "new\nline", "-n"])("survives sh: %j", (word) => {
    expect(execFileSync("sh", ["-c", `printf '%s' ${quote(word)}`], { encoding: "utf8" })).toBe(word);
  });
});

describe("v4Fingerprint", () => {
  it("is the fingerprint gpg prints, for Flatcar's RSA key and a fresh ed25519 key", () => {
    expect(v4Fingerprint(dearmor(FLATCAR_SIGNING_KEY.armored))).toBe(FLATCAR_SIGNING_KEY.fingerprint);
    const signer = TestSigner.create();
    try {
      expect(v4Fingerprint(dearmor(signer.publicKey))).toBe(signer.fingerprint);
    } finally {
      signer.dispose();
    }
  });

  it("refuses what is not a public key", () => {
    expect(() => v4Fingerprint(Buffer.from([0x88, 0x04, 0x00]))).toThrow("the first packet is not a public key");
    expect(() => v4Fingerprint(Buffer.from("text"))).toThrow("not an OpenPGP key");
  });
});

describe("dearmor", () => {
  it("gives the bytes gpg --dearmor gives for Flatcar's key", () => {
    const dir = tempDir({ "key.asc": FLATCAR_SIGNING_KEY.armored });
    const expected = execFileSync("gpg", ["--dearmor"], { input: readFileSync(join(dir, "key.asc")) });
    expect(dearmor(FLATCAR_SIGNING_KEY.armored).equals(expected)).toBe(true);
  });

  it("pins the primary key gpg sees in the embedded Flatcar key", () => {
    const home = tempDir();
    const out = execFileSync("gpg", ["--homedir", home, "--batch", "--with-colons", "--show-keys"], { input: FLATCAR_SIGNING_KEY.armored, encoding: "utf8" });
    expect(/^fpr:+([0-9A-F]{40}):/m.exec(out)?.[1]).toBe(FLATCAR_SIGNING_KEY.fingerprint);
  });

  it("refuses a damaged block", () => {
    const damaged = FLATCAR_SIGNING_KEY.armored.replace(/\n[A-Za-z0-9+/]{64}\n/, (line) => line.replace(/[A-Z]/, (c) => (c === "A" ? "B" : "A")));
    expect(() => dearmor(damaged)).toThrow("the armored OpenPGP block is damaged (its CRC-24 does not match)");
    expect(() => dearmor("no key here")).toThrow("no armored OpenPGP block found");
    expect(crc24(Buffer.alloc(0))).toBe(0xb704ce);
  });
});

describe("describeHostKey", () => {
  it("matches ssh-keygen's fingerprint", () => {
    const dir = tempDir();
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "k")]);
    const [type, blob] = readFileSync(join(dir, "k.pub"), "utf8").split(" ");
    const expected = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(dir, "k.pub")], { encoding: "utf8" }).split(" ")[1];
    expect(describeHostKey(Buffer.from(blob!, "base64"))).toEqual({ fingerprint: expected, keyType: type });
    expect(isFingerprint(expected!)).toBe(true);
    expect(isFingerprint("SHA256:short")).toBe(false);
  });
});
