// The BMC flags node add and node set share: checked, the password taken from its file, the
// environment or a prompt and written to its own 0600 file, and the record state keeps.
import type { Session } from "../project/session";
import { type BmcRecord, BMC_PASSWORD_ENV, bmcPassword, checkBmcUser, checkVia, formatBmc, parseBmcUrl, writeBmcPassword } from "../bmc";

export interface BmcOptions {
  bmc?: string;
  bmcUser?: string;
  bmcPasswordFile?: string;
  bmcVia?: string;
}

/** readBmcOptions checks the flags, stores the password for node and returns node.bmc. */
export async function readBmcOptions(o: BmcOptions, node: string, ctx: Session, earlier?: BmcRecord): Promise<BmcRecord> {
  const address = parseBmcUrl(o.bmc ?? earlier!.url);
  const user = checkBmcUser(o.bmcUser ?? earlier?.user);
  const via = checkVia(o.bmcVia ?? earlier?.via);
  const password = await bmcPassword({
    file: o.bmcPasswordFile,
    env: ctx.env,
    secrets: ctx.out.redactor,
    ask: () => ctx.prompt.input(`password of ${user} on ${formatBmc(address)} (node ${node})`, { flag: `--bmc-password-file FILE or ${BMC_PASSWORD_ENV}`, secret: true }),
  });
  await writeBmcPassword(ctx.stateDir, node, password);
  const query = address.cipher === 3 ? "" : `?cipher=${address.cipher}`;
  return { url: `${formatBmc(address)}${query}`, user, via };
}
