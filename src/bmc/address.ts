// A node's BMC as state records it: where it answers (ipmi://ADDRESS[:PORT]), the user,
// and where ipmitool runs. The password is never here: it sits in its own 0600 file (secrets.ts).
import { UsageError } from "../core/errors";

/** Where ipmitool runs: on the matchbox host over SSH (the lab's namespace in a lab), or on this machine. */
export type BmcVia = "host" | "local";
export const BMC_VIAS: readonly BmcVia[] = ["host", "local"];

/** BmcRecord is node.bmc in state.json. */
export interface BmcRecord {
  url: string;
  user: string;
  via: BmcVia;
}

export interface BmcAddress {
  host: string;
  port: number;
  /** The IPMI v2 cipher suite: 3 (HMAC-SHA1, AES-128) answers on most BMCs; ?cipher=17 for SHA-256 ones. */
  cipher: number;
}

export const IPMI_PORT = 623;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[[0-9a-fA-F:]+\]$/;

/** parseBmcUrl reads ipmi://ADDRESS[:PORT][?cipher=N]; a password in the URL is refused (it would land in state). */
export function parseBmcUrl(text: string): BmcAddress {
  const hint = "use ipmi://ADDRESS or ipmi://ADDRESS:PORT, e.g. ipmi://10.0.0.21 (the password comes from PXECTL_BMC_PASSWORD, --bmc-password-file or a prompt)";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--bmc ${JSON.stringify(text)} is not a URL`, { hint });
  }
  if (url.protocol !== "ipmi:") throw new UsageError(`--bmc ${text}: pxectl speaks IPMI only (ipmi://), not ${url.protocol.replace(/:$/, "")}`, { hint });
  if (url.username || url.password) throw new UsageError("--bmc must not hold a user or password: they would be stored in state.json", { hint: "pass the user with --bmc-user and the password with PXECTL_BMC_PASSWORD or --bmc-password-file" });
  if (!url.hostname || !HOST.test(url.hostname) || (url.pathname !== "" && url.pathname !== "/")) throw new UsageError(`--bmc ${text} names no BMC address`, { hint });
  const port = url.port ? Number(url.port) : IPMI_PORT;
  const cipherText = url.searchParams.get("cipher");
  const cipher = cipherText === null ? 3 : Number(cipherText);
  if (!Number.isInteger(cipher) || cipher < 0 || cipher > 17) throw new UsageError(`--bmc ${text}: cipher must be an IPMI cipher suite number (0-17)`, { hint: "leave it out (3), or ?cipher=17" });
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, cipher };
}

/** formatBmc is the BMC as messages name it. */
export const formatBmc = (a: BmcAddress) => `ipmi://${a.host.includes(":") ? `[${a.host}]` : a.host}${a.port === IPMI_PORT ? "" : `:${a.port}`}`;

/** checkBmcUser refuses a user ipmitool cannot send (IPMI allows 16 bytes). */
export function checkBmcUser(user: string | undefined): string {
  if (!user) throw new UsageError("--bmc needs --bmc-user", { hint: "pass the BMC's user name, e.g. --bmc-user ADMIN" });
  if (Buffer.byteLength(user) > 16 || /[\s\0]/.test(user)) throw new UsageError(`--bmc-user ${JSON.stringify(user)}: an IPMI user name is at most 16 bytes, no spaces`, { hint: "use the user name the BMC's web page or manual shows" });
  return user;
}

export function checkVia(via: string | undefined): BmcVia {
  const v = via ?? "host";
  if (!BMC_VIAS.includes(v as BmcVia)) throw new UsageError(`--bmc-via ${v}: use host or local`, { hint: "host runs ipmitool on the matchbox host (the BMC network is usually there), local on this machine" });
  return v as BmcVia;
}
