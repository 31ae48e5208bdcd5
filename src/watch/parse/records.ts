// What a parsed log line says, before anyone knows which node it is about.

/** DhcpRecord is dnsmasq's one line per DHCP message: DHCPDISCOVER(v0) [ip] [mac] [text]. */
export interface DhcpRecord {
  kind: "dhcp";
  /** The transaction id (with --log-dhcp only); detail lines of the same exchange share it. */
  xid?: number;
  /** DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM, BOOTP, PXE ... */
  message: string;
  iface: string;
  ip?: string;
  /** Normalised; absent when the line has none or it is not a 6-octet MAC. */
  mac?: string;
  /** What follows: the client's host name on DHCPACK, "proxy" or a boot file on PXE lines, an error. */
  text: string;
}

/** DhcpDetail names the --log-dhcp lines watch uses; the rest are "other". */
export type DhcpDetail = "vendor-class" | "user-class" | "tags" | "boot-file" | "other";

/** DhcpDetailRecord is a --log-dhcp line about the exchange with that xid. */
export interface DhcpDetailRecord {
  kind: "dhcp-detail";
  xid: number;
  detail: DhcpDetail;
  value: string;
}

/** TftpRecord is a transfer done, refused or aborted (ip is the client's). */
export interface TftpRecord {
  kind: "tftp";
  event: "sent" | "not-found" | "client-error" | "failed";
  path?: string;
  ip?: string;
  /** The TFTP error code a client sent (OVMF aborts its size probe with 8: benign). */
  code?: number;
  message?: string;
}

/** HttpRecord is matchbox's line for every request: method, path and the raw query. */
export interface HttpRecord {
  kind: "http";
  method: string;
  path: string;
  query: string;
}

/** MatchboxProblem names a matchbox miss or warning that explains a stuck node. */
export type MatchboxProblem =
  | "no-matching-group"
  | "no-matching-profile"
  | "missing-profile"
  | "missing-template"
  | "template-error"
  | "unparseable-mac";

/** MatchboxProblemRecord is such a line with its labels (the request's query, MAC normalised). */
export interface MatchboxProblemRecord {
  kind: "matchbox-problem";
  problem: MatchboxProblem;
  message: string;
  labels: Record<string, string>;
  /** The raw value of an unparseable MAC. */
  rawMac?: string;
}

/** LogRecord is one meaningful log line. */
export type LogRecord = DhcpRecord | DhcpDetailRecord | TftpRecord | HttpRecord | MatchboxProblemRecord;

/** ParsedLine is a record and the time the line carries, when it carries an absolute one. */
export interface ParsedLine {
  record: LogRecord;
  /** ms since the epoch, from the journal or an ISO prefix; undefined for lines without a zone. */
  at: number | undefined;
}
