// The executable's entry: wires main() to the real process. The only file that exits.
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
for (const stream of [process.stdout, process.stderr]) {
  // a closed pipe (pxectl ... | head) is not an error worth a stack trace
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
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
