// pxectl assets: the OS images matchbox serves from the host.
import { Option } from "commander";
import type { Registrar } from "../../cli/command";

export const register: Registrar = (program, runner) => {
  const assets = program.command("assets").description("the OS images matchbox serves to booting nodes, mirrored on the host");
  assets
    .command("prefetch")
    .description("mirror a Flatcar release into matchbox's assets on the host, every file checked against its signature")
    .addOption(new Option("--channel <channel>", "Flatcar channel (default: assets.flatcar.channel)").choices(["stable", "beta", "alpha", "lts"]))
    // not --version: that is pxectl's own, wherever it stands on the command line
    .option("--release <version>", 'a release such as 4593.2.5, or "current" (default: assets.flatcar.version)')
    .option("--mirror <url>", "a server laid out as https://<channel>.release.flatcar-linux.net (default: that one)")
    .option("--signing-key <file>", "trust this armored OpenPGP key instead of Flatcar's (your own builds)")
    .addHelpText(
      "after",
      `
Examples:
  pxectl assets prefetch                         # the release pxectl.yaml names
  pxectl assets prefetch --channel beta --release current
  pxectl assets prefetch --mirror http://mirror.example/flatcar-stable --release 4593.2.5

A release already there with good signatures is left as it is. Nodes boot the version
the profiles name (assets.flatcar.version, or the one mirrored last for "current").`,
    )
    .action(runner.action("assets prefetch", () => import("./prefetch")));
};
