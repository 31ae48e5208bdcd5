// pxectl profile: declare profiles and groups in a directory, check and render them.
import type { Registrar } from "../../cli/command";
import type { PlanOptions } from "./plan";

export const register: Registrar = (program, runner) => {
  const profile = program.command("profile").description("profiles and groups declared in a directory (Butane/Ignition configs, templates)");
  profile
    .command("plan")
    .description("render and validate every config, and show what apply would create, update and delete")
    .option("-f, --dir <dir>", "the profile directory (default: profiles.dir of pxectl.yaml)")
    .option("--prune", "also show deletes of objects pxectl wrote that the directory no longer declares")
    .option("--offline", "do not contact matchbox: validate, and show every object as a create")
    .addHelpText("after", "\nExamples:\n  pxectl profile plan\n  pxectl profile plan -f examples/profiles --offline -o json")
    .action(runner.action<PlanOptions>("profile plan", () => import("./plan"), (_args, o) => ({ dir: o.dir as string | undefined, prune: Boolean(o.prune), offline: Boolean(o.offline) })));
};
