// The certificate files in .pxectl/tls/: written 0600 and atomically, read back with
// checks. The CA key stays here; only ca.crt, server.crt and server.key go to the host.
import { join } from "node:path";
import { CertificateError } from "../core/errors";
import { type FileSystem, ensurePrivateDir, nodeFs, readTextIfExists, writeFileAtomic } from "../config/files";
import { checkLeaf, parseCertificate } from "./inspect";
import { type KeyAndCert, createCa, issueClient, issueServer } from "./issue";
import type { X509Certificate } from "node:crypto";

export type TlsRole = "ca" | "server" | "client";
export const TLS_ROLES: readonly TlsRole[] = ["ca", "server", "client"];

/** TlsPaths names the six files of a project's PKI. */
export type TlsPaths = Record<TlsRole, { cert: string; key: string }> & { dir: string };

export function tlsPaths(dir: string): TlsPaths {
  const pair = (role: TlsRole) => ({ cert: join(dir, `${role}.crt`), key: join(dir, `${role}.key`) });
  return { dir, ca: pair("ca"), server: pair("server"), client: pair("client") };
}

/** LoadedPair is a certificate with its key, parsed. */
export interface LoadedPair extends KeyAndCert {
  cert: X509Certificate;
}

/** readPair loads one certificate and key, or undefined when neither exists. */
export async function readPair(paths: TlsPaths, role: TlsRole, display: (p: string) => string, fs: FileSystem = nodeFs): Promise<LoadedPair | undefined> {
  const [certPem, keyPem] = await Promise.all([readTextIfExists(paths[role].cert, fs), readTextIfExists(paths[role].key, fs)]);
  if (certPem === undefined && keyPem === undefined) return undefined;
  if (certPem === undefined || keyPem === undefined) {
    const missing = certPem === undefined ? paths[role].cert : paths[role].key;
    throw new CertificateError(`${display(missing)} is missing`, { hint: role === "ca" ? "restore the CA from a backup; without it no new certificate can be issued" : `re-issue it: pxectl cert rotate --${role}` });
  }
  return { certPem, keyPem, cert: parseCertificate(certPem, display(paths[role].cert)) };
}

/** writePair writes a certificate and its key, each 0600, atomically. */
export async function writePair(paths: TlsPaths, role: TlsRole, pair: KeyAndCert, fs: FileSystem = nodeFs): Promise<void> {
  await ensurePrivateDir(paths.dir, fs);
  await writeFileAtomic(paths[role].key, pair.keyPem, { fs });
  await writeFileAtomic(paths[role].cert, pair.certPem, { fs });
}

/** requireCa loads the CA, or explains that there is none yet. */
export async function requireCa(paths: TlsPaths, display: (p: string) => string, fs: FileSystem = nodeFs): Promise<LoadedPair> {
  const ca = await readPair(paths, "ca", display, fs);
  if (!ca) throw new CertificateError(`no CA in ${display(paths.dir)}`, { hint: "pxectl init (pxectl lab up in a lab) creates the CA and the certificates" });
  return ca;
}

/** loadLeaf loads a server or client pair and checks it against the CA. */
export async function loadLeaf(paths: TlsPaths, role: "server" | "client", o: { display: (p: string) => string; now: Date; fs?: FileSystem }): Promise<LoadedPair> {
  const ca = await requireCa(paths, o.display, o.fs);
  const pair = await readPair(paths, role, o.display, o.fs);
  if (!pair) throw new CertificateError(`no ${role} certificate in ${o.display(paths.dir)}`, { hint: `issue one: pxectl cert rotate --${role}` });
  checkLeaf({ ca: ca.cert, cert: pair.cert, keyPem: pair.keyPem, file: o.display(paths[role].cert), keyFile: o.display(paths[role].key), role, now: o.now, rotate: `--${role}` });
  return pair;
}

export interface EnsureOptions {
  env: string;
  serverSans: readonly string[];
  validityDays: number;
  now: Date;
  fs?: FileSystem;
}

const CA_VALIDITY_DAYS = 3650;

/** ensureTls creates what is missing (CA, server, client) and re-issues a server
 * certificate whose addresses no longer cover serverSans; it reports what it wrote. */
export async function ensureTls(paths: TlsPaths, o: EnsureOptions): Promise<TlsRole[]> {
  const written: TlsRole[] = [];
  const display = (p: string) => p;
  let ca = await readPair(paths, "ca", display, o.fs);
  if (!ca) {
    const created = createCa({ commonName: `pxectl CA (${o.env})`, validityDays: CA_VALIDITY_DAYS, now: o.now });
    await writePair(paths, "ca", created, o.fs);
    ca = { ...created, cert: parseCertificate(created.certPem, paths.ca.cert) };
    written.push("ca");
  }
  const server = await readPair(paths, "server", display, o.fs);
  const covered = new Set((server?.cert.subjectAltName ?? "").split(", ").map((s) => s.replace(/^(IP Address|DNS):/, "")));
  if (!server || !server.cert.checkIssued(ca.cert) || o.serverSans.some((s) => !covered.has(s))) {
    const sans = [...new Set([...o.serverSans, ...(server ? covered : [])])].filter(Boolean);
    await writePair(paths, "server", issueServer(ca, { commonName: o.serverSans[0]!, sans, validityDays: o.validityDays, now: o.now }), o.fs);
    written.push("server");
  }
  const client = await readPair(paths, "client", display, o.fs);
  if (!client || !client.cert.checkIssued(ca.cert)) {
    await writePair(paths, "client", issueClient(ca, { commonName: `pxectl client (${o.env})`, validityDays: o.validityDays, now: o.now }), o.fs);
    written.push("client");
  }
  return written;
}
