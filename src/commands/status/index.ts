// pxectl status (alias doctor): check every part of the environment, with a fix for each problem.
import type { Registrar } from "../../cli/command";

export const register: Registrar = (program, runner) => {
  program
    .command("status")
    .alias("doctor")
    .description("check the environment: config, cloud account and resources, host, services, matchbox's APIs, certificates, assets")
    .option("--profile <name>", "usacloud profile with the API key")
    .option("--zone <zone>", "SakuraCloud zone (also SAKURA_ZONE)")
    .option("--access-token <token>", "SakuraCloud API token (prefer SAKURA_ACCESS_TOKEN)")
    .option("--access-token-secret <secret>", "SakuraCloud API secret (prefer SAKURA_ACCESS_TOKEN_SECRET)")
    .addHelpText(
      "after",
      `
Examples:
  pxectl status                  # ✓ / ! / ✗ / - per check, with a fix for each problem
  pxectl doctor -o json | jq '.checks[] | select(.status == "fail")'

Exit 0 when no check failed (warnings allowed), 1 when one did. Checks that rely on a
failed one are skipped, with the reason.`,
    )
    .action(runner.action("status", () => import("./status")));
};
