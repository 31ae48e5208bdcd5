// How to start pxectl itself again (the lab's gRPC relays are pxectl processes): the single
// executable alone, or node with the bundle it runs.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** selfCommand is the argv prefix that runs this pxectl. */
export function selfCommand(): string[] {
  let sea = false;
  try {
    sea = (createRequire(__filename)("node:sea") as { isSea(): boolean }).isSea();
  } catch {
    // node:sea is missing before Node 20.12: not a single executable
  }
  return sea ? [process.execPath] : [process.execPath, process.argv[1]!];
}

/**
 * builtFile is a file `npm run build` puts beside the bundle (dist/), found from the bundle
 * or, when running from the sources, from src/lab.
 */
export function builtFile(name: string): string {
  const here = dirname(__filename);
  const candidates = [join(here, name), join(here, "../../dist", name)];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}
