// pxectl destroy: remove every cloud resource the environment made.
import type { Registrar } from "../../cli/command";
import { withCloudOptions } from "../cloud-options";

export const register: Registrar = (program, runner) => {
  withCloudOptions(
    program
      .command("destroy")
      .description("delete every cloud resource of this environment (recorded or tagged), in reverse order")
      .option("--purge", "also delete the local certificates and SSH key in .pxectl/")
      .addHelpText(
        "after",
        `
Examples:
  pxectl destroy                 # lists what goes, asks, deletes
  pxectl destroy --yes -o json   # for scripts

Running it again finishes an interrupted destroy; on an empty environment it changes nothing.`,
      )
  ).action(runner.action("destroy", () => import("./destroy")));
};
