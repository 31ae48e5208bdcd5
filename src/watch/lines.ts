// From a byte stream (an SSH channel's stdout, a file, a pipe) to log lines: UTF-8 decoded
// across chunk boundaries, CRLF or LF, and no line allowed to grow memory without bound.
import type { Clock } from "../core/clock";
import type { LogOrigin, LogSource } from "./ports";

/** MAX_LINE_LENGTH cuts absurd lines (a journal record is a few hundred bytes). */
export const MAX_LINE_LENGTH = 64 * 1024;

/** SplitOptions: the longest line kept whole, and whether a last line without newline counts. */
export interface SplitOptions {
  maxLength?: number;
  /** A stream that breaks off (a dropped connection) ends inside a line: "drop" it. Default "keep" (files). */
  partialLast?: "keep" | "drop";
}

/** splitLines yields the lines of a chunked stream, without their line ends. */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>, options: SplitOptions = {}): AsyncGenerator<string> {
  const maxLength = options.maxLength ?? MAX_LINE_LENGTH;
  const decoder = new TextDecoder();
  let pending = "";
  let skipping = false; // inside an over-long line: drop up to its newline
  for await (const chunk of chunks) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n", start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (!skipping) yield pending.slice(start, end);
      skipping = false;
      start = nl + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLength) {
      if (!skipping) yield pending.slice(0, maxLength);
      skipping = true;
      pending = "";
    }
  }
  pending += decoder.decode();
  if (pending !== "" && !skipping && options.partialLast !== "drop") yield pending;
}

/**
 * logSource turns a followed stream (e.g. journalctl's stdout over SSH) into a LogSource,
 * stamping each line with the time it arrived; a line the stream broke off inside is dropped.
 */
export async function* logSource(chunks: AsyncIterable<Uint8Array | string>, origin: LogOrigin, clock: Clock): LogSource {
  for await (const text of splitLines(chunks, { partialLast: "drop" })) yield { origin, text, receivedAt: clock.now() };
}
