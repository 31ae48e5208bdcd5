// The programs the tests run for real, read from scripts/packages.txt (the list scripts/test
// installs): which are missing here, and the loud NOT RUN line that names their packages. A
// missing program is never a silent skip: under CI=true it is an error.
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGES_FILE = fileURLToPath(new URL("../../scripts/packages.txt", import.meta.url));

export interface Requirement {
  pkg: string;
  /** lab: the boot lab (scripts/lab-demo) and the tests; test: the tests only */
  use: "lab" | "test";
  /** a program name looked up on PATH, or an absolute path */
  needs: string[];
}

/** requirements reads the package list: "package use program-or-file..." lines, # comments. */
export function requirements(file = PACKAGES_FILE): Requirement[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim().split(/\s+/))
    .filter((fields) => fields.length >= 2)
    .map(([pkg, use, ...needs]) => {
      if (use !== "lab" && use !== "test") throw new Error(`${file}: ${pkg}: use is "${use}", not lab or test`);
      return { pkg: pkg!, use, needs };
    });
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** present says whether a program is on PATH, or a file exists, here. */
export function present(need: string, path = process.env.PATH ?? ""): boolean {
  if (need.startsWith("/")) {
    try {
      accessSync(need, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }
  return path.split(delimiter).filter(Boolean).some((dir) => executable(join(dir, need)));
}

/** missing lists what is absent, with its package, for the programs given (default: all). */
export function missing(o: { only?: readonly string[]; file?: string; path?: string } = {}): Array<{ need: string; pkg: string }> {
  return requirements(o.file).flatMap((r) =>
    r.needs.filter((n) => (!o.only || o.only.includes(n)) && !present(n, o.path)).map((need) => ({ need, pkg: r.pkg })),
  );
}

/** notRunLine is the one loud line for tests that cannot run here. */
export function notRunLine(what: string, why: string): string {
  return `!!! NOT RUN: ${what}: ${why}. Run scripts/test, which installs them. !!!`;
}

/** missingLine names the missing programs and the Debian packages holding them, or is undefined. */
export function missingLine(absent: ReadonlyArray<{ need: string; pkg: string }>): string | undefined {
  if (absent.length === 0) return undefined;
  const packages = [...new Set(absent.map((m) => m.pkg))];
  return `${absent.map((m) => m.need).join(", ")} missing (apt-get install ${packages.join(" ")})`;
}

const isCi = (env: NodeJS.ProcessEnv) => env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";

/**
 * skipUnless returns true when tests must be skipped because of why (a reason, or undefined
 * when they can run), after printing the NOT RUN line; under CI=true it never skips, so the
 * tests run and fail on what is missing.
 */
export function skipUnless(what: string, why: string | undefined, env: NodeJS.ProcessEnv = process.env, write: (t: string) => void = (t) => process.stderr.write(t)): boolean {
  if (why === undefined || isCi(env)) return false;
  write(`\n${notRunLine(what, why)}\n\n`);
  return true;
}

/**
 * checkPrograms is the test run's first look: it prints one NOT RUN line when a program of
 * scripts/packages.txt is missing (the tests that run it fail), and throws under CI=true.
 */
export function checkPrograms(o: { env?: NodeJS.ProcessEnv; file?: string; write?: (t: string) => void } = {}): void {
  const env = o.env ?? process.env;
  const line = missingLine(missing({ file: o.file, path: env.PATH ?? "" }));
  if (!line) return;
  if (isCi(env)) throw new Error(`the tests cannot all run here: ${line}`);
  (o.write ?? ((t: string) => process.stderr.write(t)))(`\n${notRunLine("tests that run these programs fail", line)}\n\n`);
}
