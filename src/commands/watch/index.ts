// pxectl watch: follow every node from DHCP to installed, live.
import { Option } from "commander";
import type { Registrar } from "../../cli/command";
import { durationOption } from "../duration-option";
import { matchboxOverrides, withMatchboxOptions } from "../matchbox-options";

export const register: Registrar = (program, runner) => {
  withMatchboxOptions(
    program
      .command("watch")
      .description("follow nodes through DHCP, iPXE, kernel, Ignition, install and reboot, from the host's logs")
      .argument("[nodes...]", "node names (default: every node)")
      .addOption(new Option("--until <stage>", "the stage every watched node must reach").choices(["installed", "ready"]).default("installed"))
      .addOption(durationOption("--timeout <duration>", "give up after this long, e.g. 30m or 2h", "30m"))
      .addOption(durationOption("--stall <duration>", "call a node stuck after this long without progress", "10m"))
      .addOption(durationOption("--fail-after <duration>", "fail a node stuck this long on a certain cause (a missing boot file, no matching group)", "1m"))
      .option("--no-guard", "do not switch installed nodes to boot from their disk")
      .addHelpText(
        "after",
        `
Examples:
  pxectl watch                              # every node, live table on a terminal
  pxectl watch web1 web2 --until ready      # until their installed systems answer SSH
  pxectl watch -o json --timeout 45m        # one JSON event per line, for CI

Exit 0 when every watched node reached --until; 1 when one failed (the line says why);
7 on timeout. Installed nodes are switched to boot from their disk (the install-loop
guard) unless --no-guard.`,
      ),
  ).action(runner.action("watch", () => import("./watch"), ([nodes], o) => ({ ...o, ...matchboxOverrides(o), nodes: nodes as string[] })));
};
