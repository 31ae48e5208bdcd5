// RFC 2397 data URLs, encoded the way Butane encodes inline contents (base/util/url.go):
// the shortest of percent-escaped, base64 and gzip+base64. Also the strict parser that
// checks every data URL before a config is pushed.
import { gunzipSync, gzipSync } from "node:zlib";

/** DataUrl is an encoded resource: its source and the Ignition compression field. */
export interface DataUrl {
  source: string;
  /** "" (explicitly uncompressed, as Butane writes it), "gzip", or undefined when the user set compression. */
  compression: string | undefined;
}

const UNRESERVED = /^[A-Za-z0-9\-_.!~*'()]$/;

/** escapeData percent-escapes every byte outside RFC 2396's unreserved set, as Go's dataurl.Escape. */
export function escapeData(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(c) ? c : "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

// Per-node configs repeat the same files (an installer script in each of 1000 configs):
// the gzip candidate and the validation's gunzip are computed once per distinct content.
const MEMO_LIMIT = 256;
const encoded = new Map<string, DataUrl>();
const decoded = new Map<string, Buffer>();

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/**
 * makeDataUrl encodes contents as Butane does. userCompression is the compression the user
 * declared (their bytes are already compressed): then pxectl never compresses again.
 */
export function makeDataUrl(contents: Uint8Array, userCompression?: string | null): DataUrl {
  const key = `${userCompression ?? ""}\0${Buffer.from(contents).toString("latin1")}`;
  return encoded.get(key) ?? remember(encoded, key, encodeDataUrl(contents, userCompression));
}

// ";base64," + base64 of gzip's smallest output (20 bytes: header, empty deflate, trailer) + "gzip"
const GZIP_FLOOR = ";base64,".length + Math.ceil(20 / 3) * 4 + "gzip".length;

function encodeDataUrl(contents: Uint8Array, userCompression?: string | null): DataUrl {
  const userCompressed = userCompression !== undefined && userCompression !== null && userCompression !== "";
  let opaque = "," + escapeData(contents);
  const b64 = ";base64," + Buffer.from(contents).toString("base64");
  if (b64.length < opaque.length) opaque = b64;
  let compression: string | undefined = userCompressed ? undefined : "";
  // gzip cannot win on short data (its header, trailer and base64 alone take 40 characters):
  // a per-node hostname would otherwise be compressed in every config
  if (!userCompressed && opaque.length > GZIP_FLOOR) {
    // Butane uses gzip.BestCompression; zlib's bytes differ from Go's (header OS byte,
    // deflate choices), so only the decompressed contents are comparable.
    const gz = ";base64," + gzipSync(contents, { level: 9 }).toString("base64");
    if (gz.length + "gzip".length < opaque.length) {
      opaque = gz;
      compression = "gzip";
    }
  }
  return { source: "data:" + opaque, compression };
}

/** ParsedDataUrl is a decoded data URL. */
export interface ParsedDataUrl {
  mediaType: string;
  base64: boolean;
  data: Buffer;
}

const HEX_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** parseDataUrl decodes a data URL, or returns a message saying why it is invalid. */
export function parseDataUrl(url: string): ParsedDataUrl | string {
  if (!url.startsWith("data:")) return "does not start with data:";
  const comma = url.indexOf(",");
  if (comma < 0) return "has no comma before its data";
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const base64 = meta.endsWith(";base64");
  const mediaType = base64 ? meta.slice(0, -";base64".length) : meta;
  if (base64) {
    const clean = decodeURIComponentSafe(payload);
    if (clean === undefined || !BASE64.test(clean) || clean.length % 4 !== 0) return "has invalid base64 data";
    return { mediaType, base64, data: Buffer.from(clean, "base64") };
  }
  if (HEX_ESCAPE.test(payload)) return "has a % not followed by two hex digits";
  return { mediaType, base64, data: Buffer.from(unescapeBytes(payload)) };
}

function decodeURIComponentSafe(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function unescapeBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i]!, "utf8")) out.push(b);
    }
  }
  return Uint8Array.from(out);
}

/** decodeResource returns the contents a data-URL resource stands for (gunzipped if needed). */
export function decodeResource(source: string, compression?: string | null): Buffer | string {
  const parsed = parseDataUrl(source);
  if (typeof parsed === "string") return parsed;
  if (compression === "gzip") {
    try {
      return decoded.get(source) ?? remember(decoded, source, gunzipSync(parsed.data));
    } catch {
      return "is marked gzip but its data is not gzip";
    }
  }
  return parsed.data;
}
