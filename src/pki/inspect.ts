// Reading certificates with Node's own X509Certificate: what they say, and whether a
// certificate, its key and the CA belong together.
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { CertificateError } from "../core/errors";

/** CertificateInfo is what `pxectl cert show` reports about one certificate. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  sans: string[];
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  serial: string;
  fingerprint256: string;
  isCa: boolean;
  usage: string[];
}

const EKU_NAMES: Record<string, string> = { "1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth" };

function oneLine(dn: string): string {
  return dn.split("\n").filter(Boolean).join(", ");
}

/** parseCertificate reads a PEM certificate, or throws a CertificateError naming the file. */
export function parseCertificate(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw new CertificateError(`${file} is not a PEM certificate`, { cause: e, hint: "restore it, or re-issue it with pxectl cert rotate" });
  }
}

/** describeCertificate summarises a certificate for people and JSON. */
export function describeCertificate(cert: X509Certificate, now: Date): CertificateInfo {
  const notAfter = new Date(cert.validTo);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    sans: (cert.subjectAltName ?? "")
      .split(", ")
      .filter(Boolean)
      .map((s) => s.replace(/^IP Address:/, "").replace(/^DNS:/, "")),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
    serial: cert.serialNumber.toLowerCase(),
    fingerprint256: cert.fingerprint256,
    isCa: cert.ca,
    usage: (cert.keyUsage ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
  };
}

const EXTENDED_USAGE = { server: "1.3.6.1.5.5.7.3.1", client: "1.3.6.1.5.5.7.3.2" } as const;

/** checkLeaf verifies that cert is current, signed by ca, meant for its role, and matches its key (keyFile names it). */
export function checkLeaf(o: { ca: X509Certificate; cert: X509Certificate; keyPem: string; file: string; keyFile: string; role: "server" | "client"; now: Date; rotate: string }): void {
  const hint = `re-issue it: pxectl cert rotate ${o.rotate}`;
  if (!o.cert.checkIssued(o.ca) || !o.cert.verify(o.ca.publicKey)) {
    throw new CertificateError(`${o.file} was not issued by this project's CA`, { hint });
  }
  if (new Date(o.cert.validTo) <= o.now) {
    throw new CertificateError(`${o.file} expired on ${new Date(o.cert.validTo).toISOString().slice(0, 10)}`, { hint });
  }
  if (new Date(o.cert.validFrom) > o.now) {
    throw new CertificateError(`${o.file} is not valid before ${new Date(o.cert.validFrom).toISOString()}`, { hint: "check this machine's clock" });
  }
  // without this check a swapped pair only fails in the TLS handshake, as "cannot reach"
  const usage = o.cert.keyUsage as string[] | undefined; // Node names the extended key usage so
  if (usage && !usage.includes(EXTENDED_USAGE[o.role])) {
    throw new CertificateError(`${o.file} is not a ${o.role} certificate (its extended key usage does not allow ${o.role} authentication)`, { hint });
  }
  let fromKey: Buffer;
  try {
    fromKey = createPublicKey(createPrivateKey(o.keyPem)).export({ type: "spki", format: "der" });
  } catch {
    throw new CertificateError(`${o.keyFile} is not a private key in PEM form`, { hint });
  }
  if (!fromKey.equals(o.cert.publicKey.export({ type: "spki", format: "der" }))) throw new CertificateError(`${o.file} does not match its private key ${o.keyFile}`, { hint });
}
