// Issuing certificates: keys come from Node's native crypto (fast, constant-time), the
// X.509 structure from node-forge. RSA because node-forge signs only with RSA, and
// matchbox's Go TLS stack accepts it in every version.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

/** KeyAndCert is one certificate and its private key, both PEM. */
export interface KeyAndCert {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  commonName: string;
  validityDays: number;
  now: Date;
}

const CA_KEY_BITS = 3072;
const LEAF_KEY_BITS = 2048;
/** Certificates start a little in the past so a host whose clock lags still accepts them. */
const BACKDATE_MS = 5 * 60_000;

function newKey(bits: number): { keyPem: string; forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  return { keyPem, forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // a positive INTEGER
  return bytes.toString("hex");
}

function baseCertificate(publicKey: forge.pki.rsa.PublicKey, o: IssueOptions): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(o.now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(o.now.getTime() + o.validityDays * 86_400_000);
  cert.setSubject([
    { name: "commonName", value: o.commonName },
    { name: "organizationName", value: "pxectl" },
  ]);
  return cert;
}

/** createCa makes a self-signed CA that may sign leaf certificates only (pathlen 0). */
export function createCa(o: IssueOptions): KeyAndCert {
  const key = newKey(CA_KEY_BITS);
  const cert = baseCertificate(key.publicKey, o);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

function issueLeaf(ca: KeyAndCert, o: IssueOptions, usage: "serverAuth" | "clientAuth", sans: readonly string[]): KeyAndCert {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const key = newKey(LEAF_KEY_BITS);
  const cert = baseCertificate(key.publicKey, o);
  cert.setIssuer(caCert.subject.attributes);
  const extensions: object[] = [
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", [usage]: true },
    { name: "subjectKeyIdentifier" },
    // forge's keyIdentifier: true would use the leaf's own key; the issuer's is meant
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (sans.length > 0) {
    extensions.push({
      name: "subjectAltName",
      altNames: sans.map((san) => (isIP(san) ? { type: 7, ip: san } : { type: 2, value: san })),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** issueServer signs a serverAuth certificate for every address and name clients dial. */
export function issueServer(ca: KeyAndCert, o: IssueOptions & { sans: readonly string[] }): KeyAndCert {
  if (o.sans.length === 0) throw new Error("a server certificate needs at least one address or name");
  return issueLeaf(ca, o, "serverAuth", o.sans);
}

/** issueClient signs a clientAuth certificate; matchbox checks only that it chains to its CA. */
export function issueClient(ca: KeyAndCert, o: IssueOptions): KeyAndCert {
  return issueLeaf(ca, o, "clientAuth", []);
}
