// System accounts on the target, read from its /etc/passwd and /etc/group rather than
// from the host's name service: under a root prefix the host does not know the prefix's
// users, so owners are handed to chown as numbers.
import { RemoteError } from "../../core/errors";
import { quoteAll } from "../shell";
import type { Target } from "./target";

/** Account is a user's numeric ids. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/** ROOT_ACCOUNT is root everywhere. */
export const ROOT_ACCOUNT: Account = { name: "root", uid: 0, gid: 0 };

/** findAccount looks a user (and its primary group) up in the target's /etc/passwd. */
export async function findAccount(target: Target, name: string): Promise<Account | undefined> {
  const passwd = (await target.readText("/etc/passwd")) ?? "";
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * ensureSystemAccount creates a locked system user with its own group when it is missing,
 * the way matchbox's deployment guide does (useradd -U), without a home or a shell.
 */
export async function ensureSystemAccount(target: Target, name: string, home: string): Promise<{ account: Account; changed: boolean }> {
  const existing = await findAccount(target, name);
  if (existing) return { account: existing, changed: false };
  const prefix = target.live ? [] : ["--prefix", target.root];
  await target.run(quoteAll(["useradd", ...prefix, "--system", "--user-group", "--home-dir", home, "--no-create-home", "--shell", "/usr/sbin/nologin", name]), { label: `create user ${name}` });
  const created = await findAccount(target, name);
  if (!created) throw new RemoteError(`useradd did not create user ${name} on ${target.host.label}`, { hint: "check /etc/passwd on the host" });
  return { account: created, changed: true };
}
