// Certificates for tests: a project PKI made by pxectl's own pki module, cached per
// worker because RSA key generation costs a second or so.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TlsPaths, ensureTls, tlsPaths } from "../../src/pki";

const cache = new Map<string, Promise<TlsPaths>>();
const folders: string[] = [];
// the cache lives as long as the worker: its folders go when the worker does
process.once("exit", () => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** testPki returns a folder with ca/server/client files; server SANs cover loopback. */
export function testPki(name = "default", sans: readonly string[] = ["127.0.0.1", "localhost"], validityDays = 30): Promise<TlsPaths> {
  const key = `${name}|${sans.join(",")}|${validityDays}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const folder = mkdtempSync(join(tmpdir(), `pxectl-pki-${name}-`));
      folders.push(folder);
      const paths = tlsPaths(join(folder, "tls"));
      await ensureTls(paths, { env: name, serverSans: sans, validityDays, now: new Date() });
      return paths;
    })();
    cache.set(key, p);
  }
  return p;
}
