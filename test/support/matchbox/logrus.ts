// Log lines in logrus's TextFormatter format, as matchbox writes them to stderr when it is
// not a terminal (systemd's journal): time="<RFC3339>" level=info msg="..." key=value ...
// Fields are sorted by key; a value is quoted with Go's %q unless it is made only of
// [A-Za-z0-9-._/@^+]. pxectl watch parses these lines, so they must be exact.

/** LogLevel is a logrus level, most severe first. */
export type LogLevel = "panic" | "fatal" | "error" | "warning" | "info" | "debug" | "trace";

const LEVELS: readonly LogLevel[] = ["panic", "fatal", "error", "warning", "info", "debug", "trace"];

/** parseLogLevel is logrus.ParseLevel: "warn" means warning; anything else is matchbox's startup error. */
export function parseLogLevel(text: string): LogLevel {
  const lower = text.toLowerCase();
  if (lower === "warn") return "warning";
  if ((LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  throw new Error(`invalid log-level: not a valid logrus Level: ${goQuote(text)}`);
}

/** goQuote is Go's strconv.Quote: printable characters kept, the rest escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c === 0x07) out += "\\a";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x0b) out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch; // unicode.IsPrint: no spaces but U+0020
    else out += c > 0xffff ? "\\U" + c.toString(16).padStart(8, "0") : "\\u" + c.toString(16).padStart(4, "0");
  }
  return out + '"';
}

/** goMap prints a map[string]string as fmt does: map[k1:v1 k2:v2], keys sorted. */
export function goMap(m: Readonly<Record<string, string>>): string {
  return `map[${Object.keys(m).sort().map((k) => `${k}:${m[k]}`).join(" ")}]`;
}

function formatValue(v: string): string {
  return /^[A-Za-z0-9\-._/@^+]*$/.test(v) ? v : goQuote(v);
}

/** rfc3339 is Go's time.RFC3339 in local time: 2024-03-23T10:00:00+09:00, or ...Z in UTC. */
export function rfc3339(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  return `${local}${offset > 0 ? "+" : "-"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Fields are a log entry's extra key/values; maps are printed the way fmt prints them. */
export type Fields = Record<string, string | Readonly<Record<string, string>>>;

/** Logger writes logrus text lines at or above its level. */
export class Logger {
  constructor(
    private readonly write: (line: string) => void,
    readonly level: LogLevel = "info",
    private readonly now: () => Date = () => new Date(),
  ) {}

  enabled(level: LogLevel): boolean {
    return LEVELS.indexOf(level) <= LEVELS.indexOf(this.level);
  }

  log(level: LogLevel, msg: string, fields: Fields = {}): void {
    if (!this.enabled(level)) return;
    const parts = [`time=${formatValue(rfc3339(this.now()))}`, `level=${level}`, `msg=${formatValue(msg)}`];
    for (const key of Object.keys(fields).sort()) {
      const v = fields[key]!;
      parts.push(`${key}=${formatValue(typeof v === "string" ? v : goMap(v))}`);
    }
    this.write(parts.join(" "));
  }

  info(msg: string, fields?: Fields): void {
    this.log("info", msg, fields);
  }
  debug(msg: string, fields?: Fields): void {
    this.log("debug", msg, fields);
  }
  warning(msg: string, fields?: Fields): void {
    this.log("warning", msg, fields);
  }
  error(msg: string, fields?: Fields): void {
    this.log("error", msg, fields);
  }
}
