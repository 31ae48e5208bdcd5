// The files the matchbox gRPC client presents and trusts, read and checked before any
// connection: an expired client certificate, or one from another CA, is a one-line
// CertificateError here rather than an opaque TLS failure later. They may live outside
// .pxectl/tls/ (--ca-file ...), so only the CA's certificate is needed, not its key.
import { CertificateError } from "../core/errors";
import { type FileSystem, nodeFs, readTextIfExists } from "../config/files";
import { checkLeaf, parseCertificate } from "./inspect";

/** ClientTlsFiles names the CA certificate and the client certificate and key. */
export interface ClientTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** ClientTlsPems is the checked PEM text of those files. */
export interface ClientTlsPems {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const MISSING_HINT = "pxectl init (pxectl lab up in a lab) creates the certificates in .pxectl/tls/; elsewhere, pass --ca-file, --cert-file and --key-file";

/** readAll reads the files in order and names every missing one (in that order, whatever the disk's timing). */
async function readAll(paths: readonly string[], o: { display: (p: string) => string; fs: FileSystem }): Promise<string[]> {
  const texts = await Promise.all(paths.map((p) => readTextIfExists(p, o.fs)));
  const missing = paths.filter((_, i) => texts[i] === undefined).map(o.display);
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(", ")} and ${missing[missing.length - 1]!}`;
    throw new CertificateError(`${list} ${missing.length === 1 ? "is" : "are"} missing`, { hint: MISSING_HINT });
  }
  return texts as string[];
}

/** loadClientTls reads the three files and checks that the client certificate is current, issued by the CA and matches its key. */
export async function loadClientTls(files: ClientTlsFiles, o: { display: (p: string) => string; now: Date; fs?: FileSystem }): Promise<ClientTlsPems> {
  const io = { display: o.display, fs: o.fs ?? nodeFs };
  const [caPem, certPem, keyPem] = (await readAll([files.caFile, files.certFile, files.keyFile], io)) as [string, string, string];
  const ca = parseCertificate(caPem, o.display(files.caFile));
  const cert = parseCertificate(certPem, o.display(files.certFile));
  checkLeaf({ ca, cert, keyPem, file: o.display(files.certFile), keyFile: o.display(files.keyFile), role: "client", now: o.now, rotate: "--client" });
  return { caPem, certPem, keyPem };
}
