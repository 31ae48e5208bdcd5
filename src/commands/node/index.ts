// pxectl node: the machines pxectl provisions, registered by MAC or created on SakuraCloud.
import { InvalidArgumentError, Option } from "commander";
import type { Registrar } from "../../cli/command";
import { matchboxOverrides, withMatchboxOptions } from "../matchbox-options";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number of at least 1`);
  return n;
};

export const register: Registrar = (program, runner) => {
  const node = program.command("node").description("register, create, list, reinstall and remove the machines pxectl provisions");
  withMatchboxOptions(
    node
      .command("add")
      .description("register a machine by MAC (or --create cloud servers), and push its matchbox groups")
      .option("--mac <mac>", "the machine's MAC, in any common spelling")
      .option("--name <name>", "node name (default: nodes.name_prefix and a number)")
      .option("--profile <id>", "profile to install with (default nodes.install_profile)")
      .option("--installed-profile <id>", "profile once installed, for os=installed (default nodes.installed_profile)")
      .addOption(new Option("--boot-loader <loader>", "what its UEFI firmware loads: grub (shim and signed GRUB, for Secure Boot) or ipxe (default nodes.boot_loader)").choices(["ipxe", "grub"]))
      .option("--meta <key=value>", "metadata for its templates and matchbox's /metadata (repeatable)", collect)
      .option("--create", "create blank-disk SakuraCloud servers on the switch, network-booting, and register them")
      .option("--count <n>", "how many servers --create makes", positive("--count"), 1)
      .option("--name-prefix <prefix>", "names for --create: <prefix>-1, <prefix>-2, ... (default nodes.name_prefix)")
      .option("--core <n>", "CPU cores of created servers (default nodes.core)", positive("--core"))
      .option("--memory <gb>", "memory in GB of created servers (default nodes.memory_gb)", positive("--memory"))
      .option("--disk-size <gb>", "disk size in GB of created servers (default nodes.disk_gb)", positive("--disk-size"))
      .option("--bmc <url>", "the machine's BMC, ipmi://ADDRESS[:PORT]: pxectl powers it (node power, node reinstall)")
      .option("--bmc-user <user>", "the BMC user (operator or administrator privilege)")
      .option("--bmc-password-file <file>", `a file holding the BMC password (else ${"PXECTL_BMC_PASSWORD"}, else a prompt)`)
      .option("--bmc-via <where>", "where ipmitool runs: host (the matchbox host, default) or local (this machine)")
      .option("--power-on", "power the machine on through its BMC, network boot first (created servers: the default)")
      .option("--no-power-on", "leave created servers off")
      .addHelpText(
        "after",
        "\nExamples:\n  pxectl node add --mac 52-54-00-A1-9C-AE --name web1\n  pxectl node add --mac 5254.00a1.9caf --meta role=db\n  pxectl node add --create --count 3 --memory 4\n  PXECTL_BMC_PASSWORD=... pxectl node add --mac 52:54:00:a1:9c:b0 --bmc ipmi://10.0.0.21 --bmc-user ADMIN --power-on",
      ),
  ).action(runner.action("node add", () => import("./add"), (_a, o) => ({ ...o, ...matchboxOverrides(o) })));
  node
    .command("list")
    .description("every node: MAC, address from the DHCP lease, cloud ID, stage and since when")
    .option("--no-leases", "do not ask the host for DHCP leases")
    .addHelpText("after", "\nExamples:\n  pxectl node list\n  pxectl node list -o json | jq '.[] | select(.stage==\"installed\")'")
    .action(runner.action("node list", () => import("./list")));
  node
    .command("show")
    .description("one node in detail: its groups, profiles, lease and cloud server")
    .argument("<name>", "node name")
    .addHelpText("after", "\nExample:\n  pxectl node show web1")
    .action(runner.action("node show", () => import("./show"), ([name]) => ({ name: name as string })));
  withMatchboxOptions(
    node
      .command("remove")
      .description("forget a node and delete its matchbox groups (and with --delete-server, its cloud server)")
      .argument("<name>", "node name")
      .option("--delete-server", "also delete its SakuraCloud server and disk")
      .addHelpText("after", "\nExamples:\n  pxectl node remove web1\n  pxectl node remove node-3 --delete-server --yes"),
  ).action(runner.action("node remove", () => import("./remove"), ([name], o) => ({ ...o, ...matchboxOverrides(o), name: name as string })));
  withMatchboxOptions(
    node
      .command("reinstall")
      .description("point the node back at its install profile; cloud nodes and nodes with a BMC are power-cycled to network-boot")
      .argument("<name>", "node name")
      .addHelpText("after", "\nExample:\n  pxectl node reinstall web1 && pxectl watch web1 --until installed"),
  ).action(runner.action("node reinstall", () => import("./reinstall"), ([name], o) => ({ ...o, ...matchboxOverrides(o), name: name as string })));
  node
    .command("set")
    .description("change a node's BMC: add one, change its address, user or password, or forget it")
    .argument("<name>", "node name")
    .option("--bmc <url>", "the BMC, ipmi://ADDRESS[:PORT]")
    .option("--bmc-user <user>", "the BMC user")
    .option("--bmc-password-file <file>", "a file holding the BMC password (else PXECTL_BMC_PASSWORD, else a prompt)")
    .option("--bmc-via <where>", "where ipmitool runs: host (the matchbox host) or local (this machine)")
    .option("--no-bmc", "forget the node's BMC and its password")
    .addHelpText("after", "\nExamples:\n  pxectl node set web1 --bmc ipmi://10.0.0.21 --bmc-user ADMIN --bmc-password-file ~/.web1-bmc\n  pxectl node set web1 --bmc-via local\n  pxectl node set web1 --no-bmc")
    .action(
      runner.action("node set", () => import("./set"), ([name], o) => {
        // commander turns --bmc and --no-bmc into one "bmc" option: a string, or false
        const { bmc, ...rest } = o as { bmc?: string | boolean };
        return { ...rest, name: name as string, bmc: typeof bmc === "string" ? bmc : undefined, bmcRemove: bmc === false };
      }),
    );
  node
    .command("power")
    .description("power nodes on, off, cycle them, or ask their state, through their BMCs (all at once)")
    .argument("<action>", "on, off, cycle or status")
    .argument("<names...>", "node names")
    .addHelpText("after", "\nExamples:\n  pxectl node power status web1 web2\n  pxectl node power cycle web1 -o json")
    .action(runner.action("node power", () => import("./power"), ([action, names]) => ({ action: action as string, names: names as string[] })));
  node
    .command("logs")
    .description("the node's lines from dnsmasq's and matchbox's logs on the host")
    .argument("<name>", "node name")
    .option("--since <duration>", "how far back, e.g. 30m, 2h, 1d", "1d")
    .addHelpText("after", "\nExamples:\n  pxectl node logs web1\n  pxectl node logs web1 --since 30m -o json")
    .action(runner.action("node logs", () => import("./logs"), ([name], o) => ({ ...o, name: name as string })));
};
