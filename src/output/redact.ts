// Redaction: the last line of defence that keeps secrets out of terminals and logs.
// Code should not put secrets in messages at all; this catches what slips through.

const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
const MIN_SECRET_LENGTH = 4;

/** Redactor replaces registered secrets and private key blocks with a marker. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** add registers a secret; short values are ignored, they would redact ordinary words. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SECRET_LENGTH) this.secrets.add(secret);
  }

  /** redact returns text with every secret replaced; keys too unless keepKeys is set. */
  redact(text: string, { keepKeys = false } = {}): string {
    let out = keepKeys ? text : text.replace(PRIVATE_KEY_BLOCK, "[redacted private key]");
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join("***");
      const encoded = encodeURIComponent(s);
      if (encoded !== s && out.includes(encoded)) out = out.split(encoded).join("***");
    }
    return out;
  }
}
