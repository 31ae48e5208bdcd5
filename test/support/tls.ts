// Certificates for tests: a project PKI made by pxectl's own pki module, cached per
// worker because RSA key generation costs a second or so.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TlsPaths, ensureTls, tlsPaths } from "../../src/pki";

const cache = new Map<string, Promise<TlsPaths>>();

/** testPki returns a folder with ca/server/client files; server SANs cover loopback. */
export function testPki(name = "default", sans: readonly string[] = ["127.0.0.1", "localhost"], validityDays = 30): Promise<TlsPaths> {
  const key = `${name}|${sans.join(",")}|${validityDays}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const paths = tlsPaths(join(mkdtempSync(join(tmpdir(), `pxectl-pki-${name}-`)), "tls"));
      await ensureTls(paths, { env: name, serverSans: sans, validityDays, now: new Date() });
      return paths;
    })();
    cache.set(key, p);
  }
  return p;
}
