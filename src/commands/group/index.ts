// pxectl group: the groups on matchbox (which machines get which profile).
import type { Registrar } from "../../cli/command";
import type { MatchboxOverrides } from "../../matchbox/connect";
import { matchboxOverrides, withMatchboxOptions } from "../matchbox-options";
import type { DeleteOptions } from "./delete";
import type { GetOptions } from "./get";

export const register: Registrar = (program, runner) => {
  const group = program.command("group").description("the groups on matchbox: which machines (selectors) get which profile");
  withMatchboxOptions(group.command("list"))
    .description("list the groups matchbox holds, most specific selector first (the order matchbox tries them)")
    .addHelpText("after", "\nExamples:\n  pxectl group list\n  pxectl group list -o json | jq -r '.[] | select(.pxectl) | .id'")
    .action(runner.action<MatchboxOverrides>("group list", () => import("./list"), (_args, o) => matchboxOverrides(o)));
  withMatchboxOptions(group.command("get").argument("<id>", "the group's id"))
    .description("show a group: its profile, selector and metadata")
    .addHelpText("after", "\nExamples:\n  pxectl group get node1\n  pxectl group get node1 -o json | jq .metadata")
    .action(runner.action<GetOptions>("group get", () => import("./get"), (args, o) => ({ ...matchboxOverrides(o), id: args[0] as string })));
  withMatchboxOptions(group.command("delete").argument("<id...>", "the groups to delete"))
    .description("delete groups (asks first; --yes without a terminal)")
    .addHelpText("after", "\nExamples:\n  pxectl group delete node1\n  pxectl group delete node1 node2 --yes")
    .action(runner.action<DeleteOptions>("group delete", () => import("./delete"), (args, o) => ({ ...matchboxOverrides(o), ids: args[0] as string[] })));
};
