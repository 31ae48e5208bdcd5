// ASCII armor (RFC 4880, section 6) to binary: gpgv reads only binary keyrings, and doing
// this here means the host needs gpgv alone, not gpg. The CRC-24 is checked, so a damaged
// embedded key is an error here rather than "no public key" later on the host. A key given
// by the user (pxectl assets prefetch --signing-key) is pinned by the fingerprint read here.
import { createHash } from "node:crypto";

const CRC24_INIT = 0xb704ce;
const CRC24_POLY = 0x1864cfb;

/** dearmor returns the bytes of the first armored block in text. */
export function dearmor(text: string): Buffer {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => /^-----BEGIN PGP [A-Z ]+-----$/.test(l.trim()));
  if (begin < 0) throw new Error("no armored OpenPGP block found");
  let i = begin + 1;
  while (i < lines.length && lines[i]!.trim() !== "") i++; // armor headers end at a blank line
  const body: string[] = [];
  let checksum: string | undefined;
  for (i++; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith("-----END ")) break;
    if (line.startsWith("=")) checksum = line.slice(1);
    else body.push(line);
  }
  const data = Buffer.from(body.join(""), "base64");
  if (data.length === 0) throw new Error("the armored OpenPGP block is empty");
  if (checksum !== undefined && Buffer.from(checksum, "base64").readUIntBE(0, 3) !== crc24(data)) {
    throw new Error("the armored OpenPGP block is damaged (its CRC-24 does not match)");
  }
  return data;
}

/** crc24 is OpenPGP's armor checksum. */
export function crc24(data: Uint8Array): number {
  let crc = CRC24_INIT;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= CRC24_POLY;
    }
  }
  return crc & 0xffffff;
}

/** v4Fingerprint returns the primary key fingerprint (40 hex digits) of a binary public key, as gpg prints it. */
export function v4Fingerprint(key: Buffer): string {
  const first = key[0] ?? 0;
  if (!(first & 0x80)) throw new Error("not an OpenPGP key");
  let tag: number;
  let length: number;
  let offset: number;
  if (first & 0x40) {
    // new packet format (RFC 4880, 4.2.2)
    tag = first & 0x3f;
    const l0 = key[1] ?? 0;
    if (l0 < 192) [length, offset] = [l0, 2];
    else if (l0 < 224) [length, offset] = [((l0 - 192) << 8) + (key[2] ?? 0) + 192, 3];
    else if (l0 === 255) [length, offset] = [key.readUInt32BE(2), 6];
    else throw new Error("a public key packet cannot have a partial length");
  } else {
    tag = (first >> 2) & 0x0f;
    const size = [1, 2, 4][first & 0x03];
    if (!size) throw new Error("a public key packet cannot have an indeterminate length");
    [length, offset] = [key.readUIntBE(1, size), 1 + size];
  }
  if (tag !== 6) throw new Error("the first packet is not a public key");
  const body = key.subarray(offset, offset + length);
  if (body[0] !== 4) throw new Error(`only version 4 keys are supported (this one is version ${body[0]})`);
  // RFC 4880, 12.2: SHA-1 over 0x99, the two-octet length and the packet body
  return createHash("sha1").update(Buffer.from([0x99, length >> 8, length & 0xff])).update(body).digest("hex").toUpperCase();
}
