// ASCII armor (RFC 4880, section 6) to binary: gpgv reads only binary keyrings, and doing
// this here means the host needs gpgv alone, not gpg. The CRC-24 is checked, so a damaged
// embedded key is an error here rather than "no public key" later on the host.

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
