// Writing JSON as the API does: non-ASCII escaped as \uXXXX, and IDs as strings unless
// the client sent X-Sakura-Bigint-As-Int: 1.

/** encode writes value; bigintIds turns every "ID" holding digits into a number. */
export function encode(value: unknown, { bigintIds = false } = {}): string {
  const json = JSON.stringify(value, (key, v: unknown) => (bigintIds && key === "ID" && typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : v));
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// What HTTP stacks escape on their own in a raw query (quotes, angle brackets, braces,
// backtick), while a value's literal "%20" stays: undo only these.
const STACK_ESCAPED = /%(22|3C|3E|60|7B|7D|7C)/gi;

/**
 * parseQuery reads the search conditions after "?". Go clients send the JSON raw, with
 * literal "%20"s inside values (which must not be decoded); other clients percent-encode
 * the whole document.
 */
export function parseQuery(raw: string): unknown {
  if (raw === "") return undefined;
  const text = raw.startsWith("{") ? raw.replace(STACK_ESCAPED, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : decodeURIComponent(raw);
  return JSON.parse(text) as unknown;
}
