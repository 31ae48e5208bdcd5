// Turns SshCredentials into ssh2's list of authentication methods, reading and checking
// the key file first so a wrong path or a missing passphrase is a clear local error
// instead of a vague "all authentication methods failed" from the server.
import { readFile } from "node:fs/promises";
import { type AnyAuthMethod, utils } from "ssh2";
import { UsageError } from "../core/errors";
import type { SshCredentials } from "./credentials";

/** authMethods returns the methods ssh2 tries in order: key file, agent, password. */
export async function authMethods(credentials: SshCredentials, username: string): Promise<AnyAuthMethod[]> {
  const methods: AnyAuthMethod[] = [];
  if (credentials.keyFile) {
    const key = await loadKey(credentials.keyFile, credentials.passphrase);
    methods.push({ type: "publickey", username, key, passphrase: credentials.passphrase });
  }
  if (credentials.agentSocket) methods.push({ type: "agent", username, agent: credentials.agentSocket });
  if (credentials.password !== undefined) methods.push({ type: "password", username, password: credentials.password });
  return methods;
}

async function loadKey(path: string, passphrase: string | undefined): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? "unreadable");
    throw new UsageError(`cannot read the SSH key ${path}: ${why}`, { cause: e, hint: "check host.ssh_key in pxectl.yaml or the --ssh-key flag" });
  }
  const parsed = utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    // ssh2's messages name the problem ("Encrypted private OpenSSH key detected, but no
    // passphrase given", "Unsupported key format") and never the key's content.
    const encrypted = /encrypted/i.test(parsed.message) && !/bad passphrase/i.test(parsed.message);
    throw new UsageError(`the SSH key ${path} cannot be used: ${parsed.message.replace(/\.$/, "").toLowerCase()}`, {
      hint: encrypted ? `add it to ssh-agent (ssh-add ${path}) so pxectl can use the agent` : "use an OpenSSH or PEM private key (ssh-keygen -t ed25519)",
    });
  }
  if (!parsed.isPrivateKey()) {
    throw new UsageError(`the SSH key ${path} is not a private key`, { hint: "point at the private key file, not the .pub" });
  }
  return data;
}
