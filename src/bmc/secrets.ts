// BMC passwords: one file per node, .pxectl/bmc/<node>.password, 0600 in a 0700 folder,
// written atomically like the other keys; state.json holds only the BMC's address and user.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { StateError, UsageError } from "../core/errors";
import { type FileSystem, ensurePrivateDir, nodeFs, writeFileAtomic } from "../config/files";
import type { SecretSink } from "../remote";

/** bmcPasswordFile is where a node's BMC password is kept. */
export const bmcPasswordFile = (stateDir: string, node: string) => join(stateDir, "bmc", `${node}.password`);

export async function writeBmcPassword(stateDir: string, node: string, password: string, fs: FileSystem = nodeFs): Promise<void> {
  await ensurePrivateDir(join(stateDir, "bmc"), fs);
  await writeFileAtomic(bmcPasswordFile(stateDir, node), password, { fs });
}

export async function removeBmcPassword(stateDir: string, node: string, fs: FileSystem = nodeFs): Promise<void> {
  await fs.rm(bmcPasswordFile(stateDir, node), { force: true });
}

/** readBmcPassword reads a node's password and registers it with the redactor. */
export async function readBmcPassword(stateDir: string, node: string, secrets: SecretSink): Promise<string> {
  const file = bmcPasswordFile(stateDir, node);
  const password = await readFile(file, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new StateError(`node ${node}'s BMC password file ${file} cannot be read (${e.code ?? e.message})`, { cause: e, hint: `set it again: pxectl node set ${node} --bmc-password-file FILE` });
  });
  secrets.add(password);
  return password;
}

/** PasswordSources are the ways a user hands pxectl a BMC password, in priority order. */
export interface PasswordSources {
  file?: string;
  env: NodeJS.ProcessEnv;
  /** Asks on a terminal; rejects without one. */
  ask: () => Promise<string>;
  secrets: SecretSink;
}

export const BMC_PASSWORD_ENV = "PXECTL_BMC_PASSWORD";

/** bmcPassword takes the password from --bmc-password-file, then PXECTL_BMC_PASSWORD, then a prompt. */
export async function bmcPassword(s: PasswordSources): Promise<string> {
  let password: string;
  if (s.file) {
    password = await readFile(s.file, "utf8").catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`--bmc-password-file ${s.file} cannot be read (${e.code ?? e.message})`, { hint: "pass a file holding the BMC password (one line)" });
    });
    password = password.replace(/\r?\n$/, "");
  } else if (s.env[BMC_PASSWORD_ENV]) {
    password = s.env[BMC_PASSWORD_ENV];
  } else {
    password = await s.ask();
  }
  if (password === "" || Buffer.byteLength(password) > 20 || password.includes("\n")) {
    throw new UsageError("the BMC password must be 1 to 20 bytes on one line (IPMI v2 allows 20)", { hint: `put it in a file for --bmc-password-file or in ${BMC_PASSWORD_ENV}` });
  }
  s.secrets.add(password);
  return password;
}
