// What pxectl offers the SSH server to log in: a key file, the SSH agent, and a password
// only when the user asked for password login. Secrets are registered with the redactor
// as soon as they are known, so no later message or log line can show them.
import { UsageError } from "../core/errors";

/** SshCredentials are tried in this order: key file, agent, password. */
export interface SshCredentials {
  /** A private key file (OpenSSH or PEM format). */
  keyFile?: string;
  /** The key file's passphrase, for an encrypted key that is not in the agent. */
  passphrase?: string;
  /** The SSH agent's socket (SSH_AUTH_SOCK). */
  agentSocket?: string;
  /** Only when the user asked for password login (a flag or a prompt); never a default. */
  password?: string;
}

/** SecretSink takes secrets to keep out of output and logs (Output's redactor). */
export interface SecretSink {
  add(secret: string | undefined): void;
}

/** CredentialChoices are what the user chose (flags, pxectl.yaml, a prompt) and the environment. */
export interface CredentialChoices {
  keyFile?: string;
  passphrase?: string;
  password?: string;
  /** Use the agent from env.SSH_AUTH_SOCK when there is one (default true). */
  useAgent?: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * sshCredentials collects what to offer from the user's choices and the environment,
 * registers every secret with the sink, and fails when there is nothing to offer.
 */
export function sshCredentials(c: CredentialChoices, secrets: SecretSink): SshCredentials {
  secrets.add(c.password);
  secrets.add(c.passphrase);
  const agentSocket = c.useAgent === false ? undefined : c.env.SSH_AUTH_SOCK || undefined;
  const credentials: SshCredentials = { keyFile: c.keyFile, passphrase: c.passphrase, agentSocket, password: c.password };
  if (!credentials.keyFile && !credentials.agentSocket && credentials.password === undefined) {
    throw new UsageError("no SSH credentials: no key file was given and no SSH agent is running (SSH_AUTH_SOCK is not set)", {
      hint: "set host.ssh_key in pxectl.yaml, pass --ssh-key FILE, or start ssh-agent and ssh-add your key",
    });
  }
  return credentials;
}
