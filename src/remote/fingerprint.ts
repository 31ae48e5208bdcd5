// Host key fingerprints in OpenSSH's format, so what pxectl prints and records can be
// compared with `ssh-keygen -lf` on the host and with what ssh shows the operator.
import { createHash } from "node:crypto";

/** HostKeySeen is a server's host key as pxectl reports it. */
export interface HostKeySeen {
  /** "SHA256:" and the unpadded base64 SHA-256 of the key blob, as OpenSSH prints it. */
  fingerprint: string;
  /** The key's algorithm from the blob, e.g. "ssh-ed25519". */
  keyType: string;
}

/** describeHostKey computes the fingerprint and type of a host key blob (SSH wire format). */
export function describeHostKey(blob: Buffer): HostKeySeen {
  const fingerprint = "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
  return { fingerprint, keyType: keyTypeOf(blob) };
}

// The blob starts with the algorithm name as an SSH string: a uint32 length, then bytes.
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "unknown";
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return "unknown";
  return blob.subarray(4, 4 + length).toString("latin1");
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** isFingerprint checks a recorded value has OpenSSH's SHA256 fingerprint form. */
export function isFingerprint(value: string): boolean {
  return FINGERPRINT.test(value);
}
