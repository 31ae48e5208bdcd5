// Style: colour as a set of functions, so renderers never test for TTYs themselves.

/** Style colours text; the plain style returns its input unchanged. */
export interface Style {
  readonly enabled: boolean;
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const identity = (s: string) => s;

/** plainStyle never colours. */
export const plainStyle: Style = {
  enabled: false, bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity,
};

/** loadStyle returns a colouring style when enabled, else the plain one; chalk loads only then. */
export async function loadStyle(enabled: boolean): Promise<Style> {
  if (!enabled) return plainStyle;
  const { Chalk } = await import("chalk");
  const c = new Chalk({ level: 1 });
  return { enabled: true, bold: c.bold, dim: c.dim, red: c.red, green: c.green, yellow: c.yellow, cyan: c.cyan };
}

/** colorWanted applies --no-color, NO_COLOR and FORCE_COLOR over the stream's TTY-ness. */
export function colorWanted(opts: { noColor: boolean; env: NodeJS.ProcessEnv; isTTY: boolean }): boolean {
  if (opts.noColor) return false;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== "") return false;
  const force = opts.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (opts.env.TERM === "dumb") return false;
  return opts.isTTY;
}
