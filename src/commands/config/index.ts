// pxectl config: check and show the project file.
import type { Registrar } from "../../cli/command";

export const register: Registrar = (program, runner) => {
  const config = program.command("config").description("check and show the project file (pxectl.yaml)");
  config
    .command("validate")
    .description("check pxectl.yaml against its schema; every problem with its line and column")
    .addHelpText("after", "\nExample:\n  pxectl config validate --config lab/pxectl.yaml")
    .action(runner.action("config validate", () => import("./validate")));
  config
    .command("show")
    .description("print the effective configuration, defaults filled in")
    .addHelpText("after", "\nExample:\n  pxectl config show --output json | jq .network")
    .action(runner.action("config show", () => import("./show")));
};
