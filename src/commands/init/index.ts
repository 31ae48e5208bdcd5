// pxectl init: build the environment (cloud resources, certificates, matchbox + dnsmasq).
import { Option } from "commander";
import type { Registrar } from "../../cli/command";
import { durationOption } from "../duration-option";
import type { InitOptions } from "./init";

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(",").filter(Boolean)];

export const register: Registrar = (program, runner) => {
  program
    .command("init")
    .description("build the environment: switch and host on SakuraCloud (or use your host), certificates, matchbox and dnsmasq")
    .option("--name <name>", "environment name, for a new pxectl.yaml")
    .addOption(new Option("--provider <provider>", "where the host runs, for a new pxectl.yaml").choices(["sakuracloud", "existing"]))
    .option("--zone <zone>", "SakuraCloud zone (also SAKURA_ZONE)")
    .option("--allow-from <cidr>", "address allowed to reach SSH and gRPC, for a new pxectl.yaml (repeatable)", collect)
    .option("--switch-id <id>", "use this existing switch, for a new pxectl.yaml")
    .addOption(new Option("--dhcp <mode>", "full DHCP or proxyDHCP, for a new pxectl.yaml").choices(["full", "proxy"]))
    .option("--host <address>", "the existing host's address, for a new pxectl.yaml")
    .option("--ssh-user <user>", "SSH user on the existing host, for a new pxectl.yaml")
    .option("--ssh-key <file>", "private key for the host (default: host.ssh_key, or one pxectl generates)")
    .option("--matchbox-binary <file>", "upload this matchbox binary instead of downloading the release on the host")
    .addOption(durationOption("--ssh-wait <duration>", "how long a fresh host may take to answer SSH, e.g. 10m (default: waits.ssh of pxectl.yaml, 5m)"))
    .addOption(durationOption("--cloud-wait <duration>", "how long each SakuraCloud disk copy or power change may take (default: waits.cloud, 20m)"))
    .option("--skip-assets", "do not mirror Flatcar now (later: pxectl assets prefetch)")
    .option("--root <dir>", "install under this folder on the host instead of / (for tests and images; nothing is started)")
    .option("--profile <name>", "usacloud profile with the API key")
    .option("--access-token <token>", "SakuraCloud API token (prefer SAKURA_ACCESS_TOKEN)")
    .option("--access-token-secret <secret>", "SakuraCloud API secret (prefer SAKURA_ACCESS_TOKEN_SECRET)")
    .addHelpText(
      "after",
      `
Examples:
  pxectl init                                   # asks on a terminal, writes pxectl.yaml, builds everything
  pxectl init --name lab --zone is1a --allow-from 203.0.113.7 --yes -o json
  pxectl init --provider existing --host 10.0.0.5 --ssh-user ubuntu --matchbox-binary ./matchbox

Running it again resumes where an interrupted or failed run stopped; on a built
environment it checks everything and changes only what differs.`,
    )
    .action(runner.action<InitOptions>("init", () => import("./init")));
};
