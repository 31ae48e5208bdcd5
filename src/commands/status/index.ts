// pxectl status (alias doctor): check every part of the environment, with a fix for each problem.
import type { Registrar } from "../../cli/command";
import { withCloudOptions } from "../cloud-options";

export const register: Registrar = (program, runner) => {
  withCloudOptions(
    program
      .command("status")
      .alias("doctor")
      .description("check the environment: config, cloud account and resources, host, services, matchbox's APIs, certificates, assets")
      .addHelpText(
        "after",
        `
Examples:
  pxectl status                  # ✓ / ! / ✗ / - per check, with a fix for each problem
  pxectl doctor -o json | jq '.checks[] | select(.status == "fail")'

Exit 0 when no check failed (warnings allowed), 1 when one did. Checks that rely on a
failed one are skipped, with the reason.`,
      )
  ).action(runner.action("status", () => import("./status")));
};
