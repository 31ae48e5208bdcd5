// Splitting streamed output into lines, and keeping the last few for error messages.

/** LineSplitter turns chunks into complete lines; flush returns the unterminated rest. */
export class LineSplitter {
  private partial = "";
  private readonly decoder = new TextDecoder();

  /** push returns the lines completed by chunk, without their line endings. */
  push(chunk: Uint8Array): string[] {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    return parts.map(stripCarriageReturn);
  }

  /** flush returns the last line if the output did not end with a newline. */
  flush(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = "";
    return rest === "" ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Tail keeps the last `size` lines pushed into it. */
export class Tail {
  private readonly kept: string[] = [];
  constructor(private readonly size: number) {}

  push(line: string): void {
    if (line.trim() === "") return;
    this.kept.push(line);
    if (this.kept.length > this.size) this.kept.shift();
  }

  get lines(): readonly string[] {
    return this.kept;
  }
}
