// pxectl destroy: remove every cloud resource the environment made.
import type { Registrar } from "../../cli/command";

export const register: Registrar = (program, runner) => {
  program
    .command("destroy")
    .description("delete every cloud resource of this environment (recorded or tagged), in reverse order")
    .option("--purge", "also delete the local certificates and SSH key in .pxectl/")
    .option("--profile <name>", "usacloud profile with the API key")
    .option("--zone <zone>", "SakuraCloud zone (also SAKURA_ZONE)")
    .option("--access-token <token>", "SakuraCloud API token (prefer SAKURA_ACCESS_TOKEN)")
    .option("--access-token-secret <secret>", "SakuraCloud API secret (prefer SAKURA_ACCESS_TOKEN_SECRET)")
    .addHelpText(
      "after",
      `
Examples:
  pxectl destroy                 # lists what goes, asks, deletes
  pxectl destroy --yes -o json   # for scripts

Running it again finishes an interrupted destroy; on an empty environment it changes nothing.`,
    )
    .action(runner.action("destroy", () => import("./destroy")));
};
