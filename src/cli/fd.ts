// Whether pxectl writes an fd directly. Shared by the executable's entry (bin.ts) and the single
// binary's loader (sea.ts), which answers --help and --version before any of the program loads.
import { fstatSync, statSync } from "node:fs";

/**
 * writesDirectly says whether fd is a pipe, a socket, a file or /dev/null: where node's own
 * stream writes synchronously too, and where text has no colours and help is 80 columns wide.
 * A terminal, any other device or a closed fd gets node's stream.
 */
export function writesDirectly(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() || st.isFile() || (st.isCharacterDevice() && st.rdev === statSync("/dev/null").rdev);
  } catch {
    return false; // a closed fd: node's stream deals with it
  }
}
