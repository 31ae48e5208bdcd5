// matchbox's log lines: logrus's text format (time="..." level=info msg="..." key=value),
// values quoted with Go's %q when they hold anything outside [A-Za-z0-9-._/@^+].
import type { LogRecord, MatchboxProblem } from "./records";

/** LogfmtFields are a line's key=value pairs; `cut` names a quoted value the line ends inside. */
export interface LogfmtFields {
  fields: Record<string, string>;
  cut: string | undefined;
}

/** logfmtFields reads key=value pairs; a value whose closing quote is missing runs to the end. */
export function logfmtFields(text: string): LogfmtFields {
  const fields: Record<string, string> = {};
  let cut: string | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (text.charCodeAt(i) === 32) i++;
    const eq = text.indexOf("=", i);
    if (eq < 0) break;
    const key = text.slice(i, eq);
    i = eq + 1;
    if (text.charCodeAt(i) === 34 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 92 /* \ */) {
          escaped = true;
          j += 2;
        } else if (c === 34) break;
        else j++;
      }
      if (j >= n) cut = key;
      const body = text.slice(i + 1, Math.min(j, n));
      fields[key] = escaped ? unquoteGo(body) : body;
      i = j + 1;
    } else {
      const space = text.indexOf(" ", i);
      const end = space < 0 ? n : space;
      fields[key] = text.slice(i, end);
      i = end;
    }
  }
  return { fields, cut };
}

const GO_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };

/** unquoteGo undoes Go's %q escapes (\" \\ \n \xHH \uHHHH \UHHHHHHHH); bad ones stay as written. */
export function unquoteGo(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (all, e: string) => {
    if (e.length > 1) {
      const code = parseInt(e.slice(1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return GO_ESCAPES[e] ?? all;
  });
}

/** goMapLabels reads logrus's rendering of a Go map[string]string: "map[mac:52:54:.. os:installed]". */
export function goMapLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text?.startsWith("map[")) return labels;
  const body = text.endsWith("]") ? text.slice(4, -1) : text.slice(4);
  for (const pair of body.split(" ")) {
    const colon = pair.indexOf(":");
    if (colon > 0) labels[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return labels;
}

const PROBLEMS: ReadonlyArray<readonly [string, MatchboxProblem]> = [
  ["No matching group", "no-matching-group"],
  ["No matching profile", "no-matching-profile"],
  ["No profile named", "missing-profile"],
  ["No Ignition or Container Linux Config template named", "missing-template"],
  ["No generic template named", "missing-template"],
  ["No cloud-config template named", "missing-template"],
  ["error rendering template", "template-error"],
  ["error parsing template", "template-error"],
  ["error translating Butane Config", "template-error"],
  ["ignoring unparseable MAC address", "unparseable-mac"],
];

/** parseMatchboxPayload reads one logrus line (from "time=" on); other lines give undefined. */
export function parseMatchboxPayload(payload: string): LogRecord | undefined {
  const { fields, cut } = logfmtFields(payload);
  const msg = fields.msg;
  // A message cut short could say something else ("...&os=in" is not os=installed): drop it.
  if (msg === undefined || cut === "msg") return undefined;
  if (msg.startsWith("HTTP ")) {
    const space = msg.indexOf(" ", 5);
    if (space < 0) return undefined;
    const url = msg.slice(space + 1);
    const q = url.indexOf("?");
    return { kind: "http", method: msg.slice(5, space), path: q < 0 ? url : url.slice(0, q), query: q < 0 ? "" : url.slice(q + 1) };
  }
  for (const [prefix, problem] of PROBLEMS) {
    if (!msg.startsWith(prefix)) continue;
    const record: LogRecord = { kind: "matchbox-problem", problem, message: msg, labels: cut === "labels" ? {} : goMapLabels(fields.labels) };
    if (problem === "unparseable-mac" && fields.mac !== undefined) record.rawMac = fields.mac;
    return record;
  }
  return undefined;
}
