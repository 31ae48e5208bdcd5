import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { renderTable } from "../../output/table";
import { type CertificateInfo, TLS_ROLES, type TlsRole, describeCertificate, readPair, requireCa, tlsPaths } from "../../pki";
import { statePaths } from "../../config/state";

export interface ShowOptions {
  role?: TlsRole;
}

export type CertificateRow = { role: TlsRole; file: string; status: "ok" | "expiring" | "expired" | "missing" } & Partial<CertificateInfo>;

const WARN_DAYS = 30;

/** run describes each certificate in .pxectl/tls/ and warns about those near expiry. */
export async function run(options: ShowOptions, ctx: Context): Promise<CommandResult<CertificateRow[]>> {
  const paths = tlsPaths(statePaths(ctx.stateDir).tls);
  await requireCa(paths, ctx.display, ctx.fs);
  const now = new Date(ctx.clock.now());
  const rows: CertificateRow[] = [];
  for (const role of options.role ? [options.role] : TLS_ROLES) {
    const file = ctx.display(paths[role].cert);
    const pair = await readPair(paths, role, ctx.display, ctx.fs);
    if (!pair) {
      rows.push({ role, file, status: "missing" });
      continue;
    }
    const info = describeCertificate(pair.cert, now);
    const status = info.daysLeft < 0 ? "expired" : info.daysLeft < WARN_DAYS ? "expiring" : "ok";
    if (status !== "ok") {
      ctx.out.warn(`${file} ${status === "expired" ? "has expired" : `expires in ${info.daysLeft} days`}: pxectl cert rotate ${role === "ca" ? "cannot renew a CA; run pxectl init in a new project" : `--${role}`}`);
    }
    rows.push({ role, file, status, ...info });
  }
  return {
    value: rows,
    render: (v, s) =>
      renderTable(
        v,
        [
          { header: "ROLE", value: (r) => r.role },
          { header: "SUBJECT", value: (r) => r.subject ?? s.red("missing") },
          { header: "ADDRESSES", value: (r) => (r.sans?.length ? r.sans.join(", ") : "-") },
          { header: "ISSUER", value: (r) => r.issuer ?? "-" },
          { header: "NOT AFTER", value: (r) => r.notAfter?.slice(0, 10) ?? "-" },
          {
            header: "DAYS LEFT",
            align: "right",
            value: (r) => (r.daysLeft === undefined ? "-" : r.status === "ok" ? String(r.daysLeft) : s.yellow(String(r.daysLeft))),
          },
        ],
        s.bold,
      ),
  };
}
