// The matchbox host over SSH: the RemoteHost port, connecting with pinned host keys, and
// (in installer/) the idempotent steps that install matchbox and dnsmasq on it. ssh2 is
// loaded only when connectHost really connects.
export { type ConnectOptions, type HostKeyPolicy, connectHost } from "./connect";
export { type CredentialChoices, type SecretSink, type SshCredentials, sshCredentials } from "./credentials";
export { DEFAULT_MISMATCH_HINT, HostKeyMismatchError } from "./errors";
export { type HostKeySeen, describeHostKey, isFingerprint } from "./fingerprint";
export type { ExecOptions, ExecResult, LinesOptions, RemoteHost, UploadOptions } from "./host";
export { quote, quoteAll } from "./shell";
