// Prompts: asked only on a TTY, never with --yes or CI=true. Without a prompt a
// missing answer is a UsageError naming the flag that supplies it.
import { DeclinedError, UsageError } from "../core/errors";

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

/** Prompter asks the user, or explains which flag answers the question. */
export interface Prompter {
  readonly interactive: boolean;
  /** confirm returns true or throws DeclinedError; --yes answers yes without asking. */
  confirm(message: string, options: { flag?: string }): Promise<void>;
  input(message: string, options: { flag: string; default?: string; validate?: (v: string) => string | true; secret?: boolean }): Promise<string>;
  select<T>(message: string, choices: readonly Choice<T>[], options: { flag: string; default?: T }): Promise<T>;
}

export interface PrompterOptions {
  interactive: boolean;
  yes: boolean;
  /** Prompts are drawn on stderr so stdout keeps only data. */
  output: NodeJS.WritableStream;
  input: NodeJS.ReadableStream;
  signal: AbortSignal;
}

/** isInteractive: prompts need a terminal on both ends and no opt-out. */
export function isInteractive(o: { stdinTTY: boolean; stderrTTY: boolean; yes: boolean; env: NodeJS.ProcessEnv }): boolean {
  const ci = o.env.CI !== undefined && o.env.CI !== "" && o.env.CI !== "false" && o.env.CI !== "0";
  return o.stdinTTY && o.stderrTTY && !o.yes && !ci;
}

/** createPrompter returns the real prompter; @inquirer/prompts loads on the first question. */
export function createPrompter(o: PrompterOptions): Prompter {
  const context = () => ({ output: o.output, input: o.input, signal: o.signal, clearPromptOnDone: false });
  const missing = (message: string, flag: string) =>
    new UsageError(`no answer for "${message}" without a terminal`, { hint: `pass ${flag}` });
  return {
    interactive: o.interactive,
    async confirm(message, { flag = "--yes" }) {
      if (o.yes) return;
      if (!o.interactive) throw new UsageError(`refusing to continue without confirmation: ${message}`, { hint: `pass ${flag} to confirm` });
      const { confirm } = await import("@inquirer/prompts");
      const ok = await confirm({ message, default: false }, context());
      if (!ok) throw new DeclinedError("cancelled: you answered no", { hint: `nothing was changed; pass ${flag} to skip this question` });
    },
    async input(message, { flag, default: def, validate, secret }) {
      if (!o.interactive) {
        if (def !== undefined) return def;
        throw missing(message, flag);
      }
      const prompts = await import("@inquirer/prompts");
      if (secret) return prompts.password({ message, mask: true, validate: validate ?? (() => true) }, context());
      return prompts.input({ message, default: def, validate: validate ?? (() => true) }, context());
    },
    async select(message, choices, { flag, default: def }) {
      if (!o.interactive) {
        if (def !== undefined) return def;
        throw missing(message, flag);
      }
      const { select } = await import("@inquirer/prompts");
      return select({ message, choices: choices.map((c) => ({ ...c })), default: def }, context());
    },
  };
}
