// pxectl lab: the boot lab, a provisioning network on this machine (a network namespace with
// dnsmasq and matchbox) and QEMU VMs as its nodes, to try pxectl and develop profiles without
// a cloud account.
import { InvalidArgumentError, Option } from "commander";
import type { Registrar } from "../../cli/command";

const whole = (what: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}`);
  return n;
};
const firmware = () => new Option("--firmware <firmware>", "bios (SeaBIOS + iPXE ROM), uefi (OVMF + iPXE ROM), uefi-pxe (OVMF's PXE, then iPXE over TFTP) or uefi-secure (OVMF enforcing Secure Boot: shim and GRUB over TFTP)").choices(["bios", "uefi", "uefi-pxe", "uefi-secure"]).default("bios");
const accel = () => new Option("--accel <accel>", "QEMU accelerator: tcg works everywhere, kvm needs working /dev/kvm").choices(["tcg", "kvm"]).default("tcg");
const memory = () => new Option("--memory <mb>", "memory per VM in MB (at least 128: the installer runs from RAM)").argParser(whole("--memory", 128, 65536)).default(384);

export const register: Registrar = (program, runner) => {
  const lab = program.command("lab").description("a provisioning network and VMs on this machine, to try pxectl without a cloud account (root)");
  lab
    .command("up")
    .description("start dnsmasq and matchbox in a network namespace, push the profiles, and boot --vms VMs")
    .option("--matchbox-binary <file>", "the matchbox program to run (default: matchbox.binary, matchbox on PATH, else the release, downloaded once into the lab cache and checked against its signature)")
    .option("--vms <n>", "register and boot this many VMs", whole("--vms", 0, 64), 0)
    .addOption(firmware())
    .addOption(accel())
    .addOption(memory())
    .option("--cache-dir <dir>", "where the lab's kernel and images are built once (default /var/cache/pxectl/lab)")
    .option("--bmc", "give each VM a BMC (OpenIPMI's ipmi_sim, IPMI over LAN in the lab) and power it through it: pxectl node power")
    .addOption(new Option("--host <where>", "local: dnsmasq and matchbox on this machine; vm: SakuraCloud replayed here (a machine-backed API whose servers are QEMU VMs) for pxectl init").choices(["local", "vm"]).default("local"))
    .option("--cloud-server <file>", "with --host vm: the machine-backed SakuraCloud test server (default: sakuracloud-test-server.cjs beside pxectl)")
    .addHelpText(
      "after",
      `
Examples:
  sudo pxectl lab up --vms 2 && sudo pxectl watch     # in an empty folder: writes a lab project first
  sudo pxectl lab up --matchbox-binary ./matchbox
  sudo pxectl lab up --vms 1 --bmc && sudo pxectl node power status node-1
  sudo pxectl lab up --host vm                         # then init, node add --create, watch, destroy as on SakuraCloud

Without a pxectl.yaml, lab up writes one (provider: lab) and a profile directory whose
profiles install the lab's tiny OS to the VMs' disks: edit them and pxectl profile apply.`,
    )
    .action(runner.action("lab up", () => import("./up")));
  lab
    .command("boot")
    .description("start (or restart) a VM with this MAC on the lab's network: the lab's power button")
    .argument("<macs...>", "MAC addresses, in any common spelling")
    .addOption(firmware())
    .addOption(accel())
    .addOption(memory())
    .option("--fresh", "start with a blank disk (a new machine)")
    .addHelpText("after", "\nExamples:\n  sudo pxectl node add --mac 52:54:00:70:78:01 && sudo pxectl lab boot 52:54:00:70:78:01\n  sudo pxectl lab boot 52-54-00-70-78-02 --firmware uefi --fresh")
    .action(runner.action("lab boot", () => import("./boot"), ([macs], o) => ({ ...o, macs: macs as string[] })));
  lab
    .command("status")
    .description("the lab's programs and VMs: running or not, and what each VM last printed")
    .addHelpText("after", "\nExample:\n  pxectl lab status -o json")
    .action(runner.action("lab status", () => import("./status")));
  lab
    .command("down")
    .description("stop the lab's VMs and programs and remove its network namespace")
    .addHelpText("after", "\nExample:\n  sudo pxectl lab down")
    .action(runner.action("lab down", () => import("./down")));
  lab
    .command("relay", { hidden: true })
    .description("carry gRPC between a TCP address and a Unix socket (started by lab up)")
    .requiredOption("--from <end>", "tcp:HOST:PORT or unix:PATH to listen on")
    .requiredOption("--to <end>", "tcp:HOST:PORT or unix:PATH to connect to")
    .option("--port-file <file>", "write the bound TCP port here")
    .action(async (o: { from: string; to: string; portFile?: string }) => {
      const { runRelay } = await import("../../lab/relay");
      await runRelay(o);
    });
};
