// The executable's entry: wires main() to the real process. The only file that exits.
import { writeSync } from "node:fs";
import type { Sink } from "../output/output";
import { writesDirectly } from "./fd";
import { main } from "./main";

const controller = new AbortController();
let interrupts = 0;

function onSignal(signal: NodeJS.Signals): void {
  interrupts++;
  if (interrupts > 1) {
    process.stderr.write(`\n${signal} again: stopping now\n`);
    process.exit(130);
  }
  const reason = new Error(`interrupted by ${signal}`);
  reason.name = "AbortError";
  controller.abort(reason);
}

process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// a closed pipe (pxectl ... | head) is not an error worth a stack trace
function exitOnEpipe(e: NodeJS.ErrnoException): void {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
}

function watched(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  return stream.on("error", exitOnEpipe);
}

/**
 * stdio is where pxectl writes fd 1 or 2. Creating process.stdout or process.stderr loads
 * node's stream modules, milliseconds of every run; so while the fd is a pipe, a socket, a
 * file or /dev/null (scripts, CI), text is written to it directly and synchronously, as node's stream does
 * there. A terminal, or any other device, gets node's stream, which knows its size and colours.
 */
function stdio(fd: 1 | 2, stream: () => NodeJS.WriteStream): Sink {
  if (!writesDirectly(fd)) return watched(stream());
  let fallback: NodeJS.WriteStream | undefined;
  return {
    isTTY: false,
    write(chunk: string): boolean {
      if (fallback) return fallback.write(chunk);
      let rest = Buffer.from(chunk);
      while (rest.length > 0) {
        try {
          rest = rest.subarray(writeSync(fd, rest));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EAGAIN") exitOnEpipe(e as NodeJS.ErrnoException);
          // a non-blocking pipe that is full: node's stream waits for it, in order
          fallback = watched(stream());
          return fallback.write(rest);
        }
      }
      return true;
    },
  };
}

main(process.argv.slice(2), {
  stdout: stdio(1, () => process.stdout),
  stderr: stdio(2, () => process.stderr),
  // a getter: touching process.stdin creates a handle, which only prompts need
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  },
  (e: unknown) => {
    process.stderr.write(`pxectl: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
