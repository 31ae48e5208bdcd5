// main: argv in, exit code out. The one place that turns errors into exit codes;
// it never calls process.exit, so tests run it in-process.
import { type Command, CommanderError } from "commander";
import { type Clock, systemClock } from "../core/clock";
import { InterruptedError, type PxeError, UsageError, toPxeError } from "../core/errors";
import { type Output, type OutputMode, OUTPUT_MODES, type Sink, createOutput } from "../output/output";
import { createPrompter, isInteractive } from "../output/prompt";
import { colorWanted, loadStyle } from "../output/style";
import type { CommandModule, Registrar, Runner } from "./command";
import { type GlobalOptions, RunContext } from "./context";
import { buildProgram } from "./program";
import { resolveConfigPath } from "../config/paths";
import type { FileSystem } from "../config/files";

/** Io is everything a run touches outside itself. */
export interface Io {
  stdout: Sink;
  stderr: Sink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  clock?: Clock;
  /** The file system for the project and state; tests wrap it to interrupt a run at a chosen write. */
  fs?: FileSystem;
}

function peekOutputMode(argv: readonly string[], env: NodeJS.ProcessEnv): OutputMode {
  let mode: string | undefined;
  argv.forEach((a, i) => {
    if (a === "-o" || a === "--output") mode = argv[i + 1];
    else if (a.startsWith("--output=")) mode = a.slice("--output=".length);
  });
  mode ??= env.PXECTL_OUTPUT;
  return OUTPUT_MODES.includes(mode as OutputMode) ? (mode as OutputMode) : "table";
}

function resolveGlobals(program: Command, env: NodeJS.ProcessEnv): GlobalOptions {
  const opts = program.opts<GlobalOptions>();
  let output = opts.output;
  if (program.getOptionValueSource("output") === "default" && env.PXECTL_OUTPUT) {
    if (!OUTPUT_MODES.includes(env.PXECTL_OUTPUT as OutputMode)) {
      throw new UsageError(`PXECTL_OUTPUT="${env.PXECTL_OUTPUT}" is not an output format`, { hint: `use one of ${OUTPUT_MODES.join(", ")}` });
    }
    output = env.PXECTL_OUTPUT as OutputMode;
  }
  return { ...opts, output, yes: Boolean(opts.yes), verbose: Boolean(opts.verbose), quiet: Boolean(opts.quiet) };
}

async function makeOutput(io: Io, g: Pick<GlobalOptions, "output" | "color" | "quiet" | "verbose">): Promise<Output> {
  const yaml = g.output === "yaml" ? await import("yaml") : undefined;
  const yamlStringify = yaml ? (value: unknown) => yaml.stringify(value) : undefined;
  return createOutput({
    mode: g.output,
    stdout: io.stdout,
    stderr: io.stderr,
    styleStdout: await loadStyle(colorWanted({ noColor: !g.color, env: io.env, isTTY: Boolean(io.stdout.isTTY) })),
    styleStderr: await loadStyle(colorWanted({ noColor: !g.color, env: io.env, isTTY: Boolean(io.stderr.isTTY) })),
    quiet: g.quiet,
    verbose: g.verbose,
    clock: io.clock ?? systemClock,
    yamlStringify,
  });
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

class CommandRunner implements Runner {
  exitCode = 0;
  program: Command | undefined;

  constructor(private readonly io: Io) {}

  action<O>(name: string, load: () => Promise<CommandModule<O>>, toOptions?: (args: unknown[], options: Record<string, unknown>, command: Command) => O) {
    return async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = args[args.length - 2] as Record<string, unknown>;
      const positional = args.slice(0, -2);
      this.exitCode = await this.run(name, command, async (ctx) => {
        const mod = await load();
        return mod.run(toOptions ? toOptions(positional, options, command) : (options as O), ctx);
      });
    };
  }

  private async run(name: string, command: Command, work: (ctx: RunContext) => ReturnType<CommandModule<unknown>["run"]>): Promise<number> {
    const io = this.io;
    const program = this.program!;
    let globals: GlobalOptions;
    let badGlobals: unknown;
    try {
      globals = resolveGlobals(program, io.env);
    } catch (e) {
      badGlobals = e;
      globals = { ...program.opts<GlobalOptions>(), output: peekOutputMode([], {}), yes: false, verbose: false, quiet: false };
    }
    const out = await makeOutput(io, globals);
    let ctx: RunContext | undefined;
    try {
      if (badGlobals instanceof Error) throw badGlobals;
      const clock = io.clock ?? systemClock;
      ctx = new RunContext({
        globals,
        env: io.env,
        cwd: io.cwd,
        out,
        clock,
        signal: io.signal,
        fs: io.fs,
        command: name || commandPath(command),
        configPath: resolveConfigPath(globals.config, io.env, io.cwd),
        // process.stdin is created (a stream: milliseconds) only when a prompt may read it
        prompt: createPrompter({
          interactive: Boolean(io.stderr.isTTY) && isInteractive({ stdinTTY: Boolean(io.stdin.isTTY), stderrTTY: true, yes: globals.yes, env: io.env }),
          yes: globals.yes,
          output: io.stderr as NodeJS.WritableStream,
          get input() {
            return io.stdin;
          },
          signal: io.signal,
        }),
      });
      io.signal.throwIfAborted();
      const result = await work(ctx);
      await ctx.close();
      if (result) out.result(result.value, result.render?.bind(result));
      return result?.exitCode ?? 0;
    } catch (e) {
      await ctx?.close().catch((closeError: unknown) => out.verbose(`cleanup failed: ${String(closeError)}`));
      const err: PxeError = io.signal.aborted
        ? new InterruptedError("interrupted", { cause: e, hint: "state is saved; run the same command again to resume" })
        : toPxeError(e);
      out.failure(err, { verbose: globals.verbose });
      return err.exitCode;
    }
  }
}

function usageFromCommander(e: CommanderError): UsageError {
  const [first = "", ...rest] = e.message.replace(/^error: /, "").split("\n");
  const suggestion = /\(Did you mean (.+)\?\)/.exec(rest.join(" "))?.[1];
  return new UsageError(first, { hint: suggestion ? `did you mean ${suggestion}? (pxectl COMMAND --help lists the options)` : "run pxectl --help, or pxectl COMMAND --help" });
}

/** main runs pxectl with argv (without "node pxectl") and returns the exit code. */
export async function main(argv: readonly string[], io: Io, registrars?: readonly Registrar[]): Promise<number> {
  const runner = new CommandRunner(io);
  const program = buildProgram(runner, io, registrars);
  runner.program = program;
  try {
    await program.parseAsync([...argv], { from: "user" });
    return runner.exitCode;
  } catch (e) {
    let err: PxeError;
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" || e.code === "commander.executeSubCommandAsync") {
        return e.exitCode;
      }
      err = usageFromCommander(e);
    } else {
      err = toPxeError(e);
    }
    const out = await makeOutput(io, { output: peekOutputMode(argv, io.env), color: !argv.includes("--no-color"), quiet: false, verbose: argv.includes("--verbose") || argv.includes("-v") });
    out.failure(err, { verbose: argv.includes("--verbose") || argv.includes("-v") });
    return err.exitCode;
  }
}
