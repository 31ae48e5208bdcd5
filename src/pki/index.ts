// pki: the project's own CA and the server and client certificates matchbox's gRPC API
// requires (mutual TLS). Generated locally; the CA key never leaves .pxectl/tls/.
export { type KeyAndCert, type IssueOptions, createCa, issueClient, issueServer } from "./issue";
export { type CertificateInfo, checkLeaf, describeCertificate, parseCertificate } from "./inspect";
export { type EnsureOptions, type LoadedPair, type TlsPaths, type TlsRole, TLS_ROLES, ensureTls, loadLeaf, readPair, requireCa, tlsPaths, writePair } from "./files";
export { type ClientTlsFiles, type ClientTlsPems, loadClientTls } from "./client-tls";
