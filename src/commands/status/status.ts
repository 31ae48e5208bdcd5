// pxectl status (doctor): every part of the environment checked, independent checks at
// once, each with a fix when it fails; exit 1 when one fails (warnings pass).
import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { EXIT_CODES } from "../../core/errors";
import { type CheckResult, type CheckStatus, runChecks } from "../../environment/checks";
import type { CloudFlags } from "../../environment/cloud-client";
import type { Style } from "../../output/style";
import { type CloudFound, cloudChecks } from "./cloud-checks";
import { type HostFound, hostChecks } from "./host-checks";
import { labChecks } from "./lab-checks";
import { localChecks } from "./local-checks";

export type StatusOptions = CloudFlags;

export interface StatusResult {
  checks: CheckResult[];
  /** No check failed (warnings and skips allowed). */
  ok: boolean;
}

const FAILED_EXIT = EXIT_CODES.find((e) => e.code === "failed")!.exitCode;

/** run checks the environment; checks for SakuraCloud are there only when it is the provider. */
export async function run(options: StatusOptions, ctx: Context): Promise<CommandResult<StatusResult>> {
  const found: CloudFound & HostFound = {};
  const local = localChecks(ctx, found, new Date(ctx.clock.now()));
  // the provider is known only once pxectl.yaml is read; without it, the cloud checks are skipped with config
  const project = await ctx.project().catch(() => undefined);
  const provider = project?.config.provider;
  const cloud = provider !== "existing" && provider !== "lab";
  const site = provider === "lab" ? labChecks(ctx) : [...(cloud ? cloudChecks(ctx, found, options) : []), ...hostChecks(ctx, found, { afterPower: cloud })];
  const checks = [local.config, local.init, ...site, local.certificates, local.grpc, local.nodes];
  const results = await runChecks(checks, ctx.signal);
  const ok = results.every((r) => r.status !== "fail");
  return { value: { checks: results, ok }, exitCode: ok ? 0 : FAILED_EXIT, render };
}

const MARKS: Record<CheckStatus, (s: Style) => string> = { pass: (s) => s.green("✓"), warn: (s) => s.yellow("!"), fail: (s) => s.red("✗"), skip: (s) => s.dim("-") };

function render(v: StatusResult, s: Style): string {
  const width = Math.max(...v.checks.map((c) => c.name.length));
  const lines = v.checks.flatMap((c) => [
    `${MARKS[c.status](s)} ${c.name.padEnd(width)}  ${c.status === "skip" ? s.dim(c.detail) : c.detail}`,
    ...(c.hint && c.status !== "pass" ? [`  ${" ".repeat(width)}  ${s.cyan(`→ ${c.hint}`)}`] : []),
  ]);
  const count = (st: CheckStatus) => v.checks.filter((c) => c.status === st).length;
  const summary = [`${count("pass")} passed`, ...(["warn", "fail", "skip"] as const).filter((st) => count(st) > 0).map((st) => `${count(st)} ${{ warn: "warned", fail: "failed", skip: "skipped" }[st]}`)].join(", ");
  return [...lines, "", v.ok ? s.green(`healthy: ${summary}`) : s.red(`unhealthy: ${summary}`)].join("\n");
}
