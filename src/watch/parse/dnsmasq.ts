// dnsmasq's DHCP and TFTP messages (the text after "dnsmasq-dhcp[pid]: "), as log_packet()
// in rfc2131.c and tftp.c write them; see docs in test/fixtures/watch for every captured form.
import { normalizeMac } from "../../core/mac";
import type { DhcpDetail, LogRecord } from "./records";

// "1465916073 DHCPOFFER(v0) 192.168.77.21 52:54:00:a1:9c:ae " — the xid only with --log-dhcp;
// dnsmasq ends the line with a space after the MAC, which journald strips: both parse.
const DHCP = /^(?:(\d+) )?(DHCP[A-Z]+|BOOTP|PXE|NOANSWER)\(([^)]*)\)(?: (.*))?$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const HWADDR = /^[0-9a-f]{2}(?:[:-][0-9a-f]{2})+$/i;
const XID_DETAIL = /^(\d+) (.*)$/;
const BOOT_FILE_OPTION = /^sent size: *\d+ option: *67 bootfile-name +(.*)$/;

const TFTP_SENT = /^sent (.+) to (\S+)$/;
const TFTP_NOT_FOUND = /^file (.+?) not found(?: for (\S+))?$/;
const TFTP_CLIENT_ERROR = /^error (\d+) (.*) received from (\S+)$/;
const TFTP_FAILED = /^(?:failed|timeout) sending (.+) to (\S+)$/;

/** parseDnsmasqMessage reads a message of the dhcp or tftp facility; other lines give undefined. */
export function parseDnsmasqMessage(facility: string, message: string): LogRecord | undefined {
  if (facility === "dhcp") return parseDhcp(message);
  if (facility === "tftp") return parseTftp(message);
  return undefined;
}

function parseDhcp(message: string): LogRecord | undefined {
  const m = DHCP.exec(message);
  if (m) return dhcpLine(m);
  const d = XID_DETAIL.exec(message);
  if (!d) return undefined; // start-up lines ("DHCP, IP range ...") carry no exchange
  const [detail, value] = classifyDetail(d[2]!);
  return { kind: "dhcp-detail", xid: Number(d[1]), detail, value };
}

function dhcpLine(m: RegExpExecArray): LogRecord {
  const words = (m[4] ?? "").split(" ");
  let i = 0;
  let ip: string | undefined;
  let mac: string | undefined;
  if (words[i] !== undefined && IPV4.test(words[i]!)) ip = words[i++];
  if (words[i] !== undefined && HWADDR.test(words[i]!)) mac = normalizeMac(words[i++]!);
  const record: LogRecord = { kind: "dhcp", message: m[2]!, iface: m[3]!, text: words.slice(i).join(" ").trim() };
  if (m[1] !== undefined) record.xid = Number(m[1]);
  if (ip !== undefined) record.ip = ip;
  if (mac !== undefined) record.mac = mac;
  return record;
}

function classifyDetail(text: string): [DhcpDetail, string] {
  if (text.startsWith("vendor class: ")) return ["vendor-class", text.slice(14)];
  if (text.startsWith("user class: ")) return ["user-class", text.slice(12)];
  if (text.startsWith("tags: ")) return ["tags", text.slice(6)];
  const boot = BOOT_FILE_OPTION.exec(text);
  if (boot) return ["boot-file", boot[1]!.trim()];
  // a client that did not ask for option 67 gets the file in the BOOTP header instead
  if (text.startsWith("bootfile name: ")) return ["boot-file", text.slice(15).trim()];
  return ["other", text];
}

function parseTftp(message: string): LogRecord | undefined {
  let m = TFTP_SENT.exec(message);
  if (m) return { kind: "tftp", event: "sent", path: m[1]!, ip: m[2]! };
  m = TFTP_NOT_FOUND.exec(message);
  if (m) return m[2] === undefined ? { kind: "tftp", event: "not-found", path: m[1]! } : { kind: "tftp", event: "not-found", path: m[1]!, ip: m[2] };
  m = TFTP_CLIENT_ERROR.exec(message);
  if (m) return { kind: "tftp", event: "client-error", code: Number(m[1]), message: m[2]!, ip: m[3]! };
  m = TFTP_FAILED.exec(message);
  if (m) return { kind: "tftp", event: "failed", path: m[1]!, ip: m[2]!, message: message.startsWith("timeout") ? "timeout" : "failed" };
  return undefined;
}
