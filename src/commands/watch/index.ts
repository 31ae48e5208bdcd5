// pxectl watch: follow every node from DHCP to installed, live.
import { InvalidArgumentError, Option } from "commander";
import type { Registrar } from "../../cli/command";
import { matchboxOverrides, withMatchboxOptions } from "../matchbox-options";

/** parseDuration reads 90s, 30m, 2h for commander. */
export function parseDuration(value: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(value);
  if (!m) throw new InvalidArgumentError("use a number and s, m or h, such as 30m");
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"];
}

export const register: Registrar = (program, runner) => {
  withMatchboxOptions(
    program
      .command("watch")
      .description("follow nodes through DHCP, iPXE, kernel, Ignition, install and reboot, from the host's logs")
      .argument("[nodes...]", "node names (default: every node)")
      .addOption(new Option("--until <stage>", "the stage every watched node must reach").choices(["installed", "ready"]).default("installed"))
      .option("--timeout <duration>", "give up after this long, e.g. 30m or 2h", parseDuration, 30 * 60_000)
      .option("--stall <duration>", "call a node stuck after this long without progress (a PXE step: after 2 minutes, or this if shorter)", parseDuration, 10 * 60_000)
      .option("--fail-after <duration>", "fail a node stuck this long on a certain cause (a missing boot file, no matching group)", parseDuration, 60_000)
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
