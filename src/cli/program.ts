// The commander program: global options and the list of command groups. Only
// commander and the registrars load at start-up; each command's code loads on use.
import { Command, InvalidArgumentError, Option } from "commander";
import { OUTPUT_MODES, type Sink } from "../output/output";
import type { Registrar, Runner } from "./command";
import { REGISTRARS } from "../commands/registry";

/** parseSeconds parses a non-negative number of seconds for commander. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of seconds, such as 30");
  return n;
}

/** buildProgram builds the whole command tree; registrars defaults to every command group. */
export function buildProgram(runner: Runner, io: { stdout: Sink; stderr: Sink }, registrars: readonly Registrar[] = REGISTRARS): Command {
  const program = new Command("pxectl")
    .description("Network-boot provisioning: matchbox + dnsmasq on SakuraCloud or any L2 network, Flatcar first")
    .version(PXECTL_VERSION, "-V, --version", "print the version")
    .option("-c, --config <file>", "project file (default ./pxectl.yaml, env PXECTL_CONFIG)")
    .addOption(new Option("-o, --output <format>", "output format (env PXECTL_OUTPUT)").choices(OUTPUT_MODES).default("table"))
    .option("-y, --yes", "answer yes to confirmations and never prompt (also when CI=true)")
    .option("--no-color", "no colours (also NO_COLOR=1)")
    .option("-v, --verbose", "more detail, and stack traces on errors")
    .option("-q, --quiet", "only results and errors")
    .option("--lock-timeout <seconds>", "wait this long for another pxectl run on the same project", parseSeconds, 0)
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
      // from the streams pxectl writes to, not commander's process.stdout (creating it costs start-up time)
      getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns) || 80,
      getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns) || 80,
      getOutHasColors: () => false, // help text has no colours
      getErrHasColors: () => false,
      // errors are printed once, by cli/main, in the selected output format
      outputError: () => undefined,
    });
  program.addHelpText("after", "\nExit codes and examples: see README.md, or run a command with --help.");
  for (const register of registrars) register(program, runner);
  return program;
}
