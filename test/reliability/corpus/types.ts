// The shape of a bad-input case, and the fixture every case starts from.
import type { SakuraTestServer } from "../../support/sakuracloud";

/** Fixture is the running servers and the case's own copy of the base project. */
export interface Fixture {
  cwd: string;
  sakura: SakuraTestServer;
  matchboxEndpoint: string;
  /** Holds foreign/ (another project's valid PKI) and expired/ (this CA's, issued in 2020). */
  otherTls: string;
}

/** BadInput is one bad input: files changed in the base project, then one pxectl run. */
export interface BadInput {
  name: string;
  argv: string[];
  /** Files to write over the base project (relative paths); null deletes. */
  files?: Record<string, string | null>;
  /** More setup, after files; may return a cleanup (e.g. an API override to remove). */
  setup?: (f: Fixture) => void | (() => void) | Promise<void | (() => void)>;
  env?: Record<string, string>;
  /** The expected exit code; by default any code but 0 and 70 (internal). */
  exitCode?: number;
  /** What the error line must say. */
  says?: string | RegExp;
  /** Run the real bundle in a child process instead of main() in-process. */
  spawn?: boolean;
}
