// Duration flags (90s, 30m, 2h): parsed to milliseconds, their defaults shown in --help as
// they are typed, not in milliseconds.
import { InvalidArgumentError, Option } from "commander";

/** parseDuration reads 90s, 30m, 2h for commander. */
export function parseDuration(value: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(value);
  if (!m) throw new InvalidArgumentError("use a number and s, m or h, such as 30m");
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s" | "m" | "h"];
}

/** durationOption is a --flag <duration> whose default is given as typed, e.g. "30m". */
export function durationOption(flags: string, description: string, defaultValue?: string): Option {
  const option = new Option(flags, description).argParser(parseDuration);
  return defaultValue === undefined ? option : option.default(parseDuration(defaultValue), defaultValue);
}
