// A machine's labels, read from a request's query string exactly as matchbox does
// (http/parse.go labelsFromRequest): every key with its first value, keys keep their
// case, and a "mac" key (in any case) is normalised with Go's net.ParseMAC or dropped.
import type { Labels } from "./types";

const HEX_PAIR = /^[0-9a-fA-F]{2}$/;

/** parseGoMac is Go's net.ParseMAC(s).String(): 6, 8 or 20 octets written xx:xx.., xx-xx.. or xxxx.xxxx..; anything else is undefined. */
export function parseGoMac(s: string): string | undefined {
  if (s.length < 14) return undefined;
  let pairs: string[];
  if (s[2] === ":" || s[2] === "-") {
    if ((s.length + 1) % 3 !== 0) return undefined;
    pairs = [];
    for (let x = 0; x < s.length; x += 3) {
      // every separator must be the first one: Go's xtoi2 checks s[x+2] against it
      if (x + 2 < s.length && s[x + 2] !== s[2]) return undefined;
      pairs.push(s.slice(x, x + 2));
    }
  } else if (s[4] === ".") {
    if ((s.length + 1) % 5 !== 0) return undefined;
    pairs = [];
    for (let x = 0; x < s.length; x += 5) {
      if (x + 4 < s.length && s[x + 4] !== ".") return undefined;
      pairs.push(s.slice(x, x + 2), s.slice(x + 2, x + 4));
    }
  } else return undefined;
  if (![6, 8, 20].includes(pairs.length) || !pairs.every((p) => HEX_PAIR.test(p))) return undefined;
  return pairs.join(":").toLowerCase();
}

/** goQueryUnescape is Go's url.QueryUnescape ("+" is a space); undefined for a bad % escape. */
function goQueryUnescape(s: string): string | undefined {
  if (!s.includes("%") && !s.includes("+")) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "%") {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === "+") bytes.push(0x20);
    else bytes.push(...Buffer.from(c, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** parseGoQuery is Go's url.ParseQuery: pairs split on "&", pairs with ";" or bad escapes skipped. */
export function parseGoQuery(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery.split("&")) {
    if (pair === "" || pair.includes(";")) continue;
    const eq = pair.indexOf("=");
    const key = goQueryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = goQueryUnescape(eq < 0 ? "" : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

/** ParsedLabels are a request's labels and the MACs that were dropped as unparseable. */
export interface ParsedLabels {
  labels: Labels;
  /** Raw values of mac keys Go's ParseMAC refused (matchbox logs a warning for each). */
  badMacs: string[];
}

/** labelsFromQuery reads labels from a raw query string (without "?"). */
export function labelsFromQuery(rawQuery: string): ParsedLabels {
  const labels: Labels = {};
  const badMacs: string[] = [];
  for (const [key, [first = ""]] of parseGoQuery(rawQuery)) {
    if (key.toLowerCase() !== "mac") labels[key] = first;
    else {
      const mac = parseGoMac(first);
      if (mac === undefined) badMacs.push(first);
      else labels[key] = mac;
    }
  }
  return { labels, badMacs };
}
