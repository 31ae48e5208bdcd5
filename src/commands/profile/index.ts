// pxectl profile: declare profiles and groups in a directory, check and render them, apply
// them to matchbox; and the profiles matchbox holds.
import { InvalidArgumentError, Option } from "commander";
import type { Registrar } from "../../cli/command";
import type { MatchboxOverrides } from "../../matchbox/connect";
import { matchboxOverrides, withMatchboxOptions } from "../matchbox-options";
import type { ApplyOptions } from "./apply";
import type { DeleteOptions } from "./delete";
import type { GetOptions } from "./get";
import type { PlanOptions } from "./plan";
import type { RenderOptions } from "./render";

const DIR_FLAG = ["-f, --dir <dir>", "the profile directory (default: profiles.dir of pxectl.yaml; with no pxectl.yaml here, plan --offline and render read the one beside DIR)"] as const;

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError("expected a whole number from 1 to 256");
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const register: Registrar = (program, runner) => {
  const profile = program.command("profile").description("profiles and groups declared in a directory (Butane/Ignition configs, templates), and the profiles on matchbox");
  withMatchboxOptions(profile.command("plan"))
    .description("render and validate every config, and show what apply would create, update and delete")
    .option(...DIR_FLAG)
    .option("--prune", "also show deletes of objects pxectl wrote that the directory no longer declares")
    .option("--offline", "do not contact matchbox: validate, and show every object as a create")
    .addHelpText("after", "\nExamples:\n  pxectl profile plan\n  pxectl profile plan -f examples/profiles --offline -o json")
    .action(runner.action<PlanOptions>("profile plan", () => import("./plan"), (_args, o) => ({ ...matchboxOverrides(o), dir: o.dir as string | undefined, prune: Boolean(o.prune), offline: Boolean(o.offline) })));
  withMatchboxOptions(profile.command("apply"))
    .description("make matchbox hold what the directory declares: render, validate, plan, then write only what differs")
    .option(...DIR_FLAG)
    .option("--prune", "also delete objects pxectl wrote that the directory no longer declares (asks first)")
    .option("--concurrency <n>", "calls in flight at once (default 32)", parseConcurrency)
    .addHelpText("after", "\nExamples:\n  pxectl profile apply\n  pxectl profile apply -f examples/profiles --prune --yes")
    .action(runner.action<ApplyOptions>("profile apply", () => import("./apply"), (_args, o) => ({ ...matchboxOverrides(o), dir: o.dir as string | undefined, prune: Boolean(o.prune), concurrency: o.concurrency as number | undefined })));
  withMatchboxOptions(profile.command("list"))
    .description("list the profiles matchbox holds")
    .addHelpText("after", "\nExamples:\n  pxectl profile list\n  pxectl profile list -o json | jq -r '.[].id'")
    .action(runner.action<MatchboxOverrides>("profile list", () => import("./list"), (_args, o) => matchboxOverrides(o)));
  withMatchboxOptions(profile.command("get").argument("<id>", "the profile's id"))
    .description("show a profile, or with --ignition the Ignition config it names")
    .option("--ignition", "print the profile's Ignition config as matchbox stores it")
    .addHelpText("after", "\nExamples:\n  pxectl profile get flatcar-install\n  pxectl profile get flatcar-install --ignition | jq .systemd")
    .action(runner.action<GetOptions>("profile get", () => import("./get"), (args, o) => ({ ...matchboxOverrides(o), id: args[0] as string, ignition: Boolean(o.ignition) })));
  withMatchboxOptions(profile.command("delete").argument("<id...>", "the profiles to delete"))
    .description("delete profiles, with the Ignition configs pxectl wrote for them (asks first; --yes without a terminal)")
    .option("--force", "delete even profiles that groups still name")
    .addHelpText("after", "\nExamples:\n  pxectl profile delete old-install\n  pxectl profile delete a b --yes")
    .action(runner.action<DeleteOptions>("profile delete", () => import("./delete"), (args, o) => ({ ...matchboxOverrides(o), ids: args[0] as string[], force: Boolean(o.force) })));
  profile
    .command("render")
    .description("show what a machine would receive from matchbox (iPXE script, Ignition JSON), from the directory, offline")
    .requiredOption("--mac <mac>", "the machine's MAC, in any common spelling")
    .option("--query <k=v>", "an iPXE setting (uuid, hostname, serial, domain) or an extra label on each request; repeatable", collect, [])
    .option(...DIR_FLAG)
    .addOption(new Option("--ipxe", "print only the iPXE script").conflicts("ignition"))
    .option("--ignition", "print only the Ignition JSON")
    .addHelpText("after", "\nExamples:\n  pxectl profile render --mac 52:54:00:a1:9c:ae\n  pxectl profile render --mac 52-54-00-A1-9C-AE --query os=installed --ignition | jq .storage")
    .action(
      runner.action<RenderOptions>("profile render", () => import("./render"), (_args, o) => ({
        dir: o.dir as string | undefined,
        mac: o.mac as string,
        query: o.query as string[],
        only: o.ipxe ? "ipxe" : o.ignition ? "ignition" : undefined,
      })),
    );
};
