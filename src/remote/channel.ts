// Running one command on an open channel: output streamed line by line as it arrives,
// a deadline and cancellation (both close the channel's stdin, which the supervisor turns
// into killing the command), and the exit status. Whether that status is a failure is
// for the caller to say.
import type { ClientChannel } from "ssh2";
import { ConnectionDroppedError } from "./errors";
import { LineSplitter, Tail } from "./lines";

/** ChannelRun tunes one run. */
export interface ChannelRun {
  timeoutMs: number;
  signal?: AbortSignal;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Called when the connection under the channel goes, to fail the run at once. */
  onConnectionLost: (listener: (error: Error) => void) => () => void;
  target: string;
}

/** ChannelOutcome is how a command ended. */
export interface ChannelOutcome {
  /** The exit status, or null when the command died of a signal. */
  exitCode: number | null;
  exitSignal: string | undefined;
  stdout: Buffer;
  stderr: string;
  /** The last lines of stderr, for error messages. */
  stderrTail: readonly string[];
  timedOut: boolean;
  aborted: boolean;
}

const STDERR_KEPT_BYTES = 64 * 1024;
const STDERR_TAIL_LINES = 5;
/** After stdin closes, how long the supervisor gets to kill the command before the channel is torn down. */
const KILL_GRACE_MS = 5_000;

/** runChannel collects a command's output until its channel closes. */
export function runChannel(channel: ClientChannel, o: ChannelRun): Promise<ChannelOutcome> {
  return new Promise((resolve, reject) => {
    const stdoutChunks: Buffer[] = [];
    let stderr = "";
    const tail = new Tail(STDERR_TAIL_LINES);
    const outLines = new LineSplitter();
    const errLines = new LineSplitter();
    let exitCode: number | null = null;
    let exitSignal: string | undefined;
    let timedOut = false;
    let aborted = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const stop = () => {
      channel.end(); // EOF on stdin: the supervisor kills the command's process group
      graceTimer ??= setTimeout(() => channel.close(), KILL_GRACE_MS);
    };
    // an unbounded run (a followed log) has no deadline; setTimeout would take Infinity as 1 ms
    const deadline = Number.isFinite(o.timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, o.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      stop();
    };
    o.signal?.addEventListener("abort", onAbort, { once: true });
    const unsubscribe = o.onConnectionLost((error) => {
      cleanup();
      reject(new ConnectionDroppedError(o.target, true, error));
    });
    function cleanup() {
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      o.signal?.removeEventListener("abort", onAbort);
      unsubscribe();
    }
    if (o.signal?.aborted) onAbort();

    channel.on("data", (chunk: Buffer) => {
      stdoutChunks.push(chunk);
      for (const line of outLines.push(chunk)) o.onStdoutLine?.(line);
    });
    channel.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < STDERR_KEPT_BYTES) stderr += chunk.toString("utf8");
      for (const line of errLines.push(chunk)) {
        tail.push(line);
        o.onStderrLine?.(line);
      }
    });
    channel.on("exit", (code: number | null, signalName?: string) => {
      exitCode = code;
      exitSignal = signalName ?? undefined;
    });
    channel.on("close", () => {
      cleanup();
      for (const line of outLines.flush()) o.onStdoutLine?.(line);
      for (const line of errLines.flush()) {
        tail.push(line);
        o.onStderrLine?.(line);
      }
      // A channel that closes with no exit status, unasked, was cut with its connection.
      if (exitCode === null && exitSignal === undefined && !timedOut && !aborted) {
        reject(new ConnectionDroppedError(o.target, true));
        return;
      }
      resolve({ exitCode, exitSignal, stdout: Buffer.concat(stdoutChunks), stderr, stderrTail: tail.lines, timedOut, aborted });
    });
  });
}
