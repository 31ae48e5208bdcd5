// How to start pxectl itself again (the lab's gRPC relays are pxectl processes): the single
// executable alone, or node with the bundle it runs.
import { createRequire } from "node:module";

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
