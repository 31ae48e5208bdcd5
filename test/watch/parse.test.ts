import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { journalCursor, journalctlArgs } from "../../src/watch/journal";
import { type LogRecord, parseLine } from "../../src/watch/parse";
import type { LogOrigin } from "../../src/watch/ports";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/watch/${name}`, import.meta.url), "utf8").split("\n").filter((l) => l !== "");
const record = (origin: LogOrigin, text: string) => parseLine({ origin, text })?.record;

describe("dnsmasq line forms", () => {
  const offer: LogRecord = { kind: "dhcp", xid: 1465916073, message: "DHCPOFFER", iface: "v0", ip: "192.168.77.21", mac: "52:54:00:a1:9c:ae", text: "" };
  const message = "1465916073 DHCPOFFER(v0) 192.168.77.21 52:54:00:a1:9c:ae ";
  it.each([
    ["log file", `Nov 22 22:07:35 dnsmasq-dhcp[5174]: ${message}`, "dnsmasq", undefined],
    ["log file, day padded", `Nov  2 22:07:35 dnsmasq-dhcp[5174]: ${message}`, "dnsmasq", undefined],
    ["syslog with host", `Nov 22 22:07:35 pxe-host dnsmasq-dhcp[5174]: ${message}`, "dnsmasq", undefined],
    ["host named after dnsmasq", `Nov 22 22:07:35 dnsmasq-host dnsmasq-dhcp[5174]: ${message}`, "dnsmasq", undefined],
    ["-k (stderr, pid)", `dnsmasq-dhcp[5582]: ${message}`, "dnsmasq", undefined],
    ["-d (stderr, no pid)", `dnsmasq-dhcp: ${message}`, "dnsmasq", undefined],
    ["journal, trailing space stripped", `Nov 23 00:30:56 vm dnsmasq-dhcp[6292]: ${message.trimEnd()}`, "journal", undefined],
    ["short-iso", `2026-11-23T00:30:56+0000 vm dnsmasq-dhcp[6292]: ${message}`, "journal", Date.parse("2026-11-23T00:30:56Z")],
    ["short-iso, newer offset form", `2026-11-23T09:30:56+09:00 vm dnsmasq-dhcp[6292]: ${message}`, "journal", Date.parse("2026-11-23T00:30:56Z")],
    ["short-iso-precise", `2026-11-23T00:30:56.061313+0000 vm dnsmasq-dhcp[6292]: ${message}`, "dnsmasq", Date.parse("2026-11-23T00:30:56Z") + 61.313],
    ["journal json", JSON.stringify({ __REALTIME_TIMESTAMP: "1795393856061649", MESSAGE: message.trimEnd(), SYSLOG_IDENTIFIER: "dnsmasq-dhcp", _PID: "6291" }), "journal-json", 1795393856061.649],
  ] as const)("%s", (_, text, origin, at) => {
    const parsed = parseLine({ origin, text });
    expect(parsed?.record).toEqual(offer);
    if (at === undefined) expect(parsed?.at).toBeUndefined();
    else expect(parsed?.at).toBeCloseTo(at, 3);
  });

  it("reads each DHCP message with or without xid, IP, MAC and trailing text", () => {
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: DHCPDISCOVER(v0) 52:54:00:a1:9c:ae ")).toEqual({ kind: "dhcp", message: "DHCPDISCOVER", iface: "v0", mac: "52:54:00:a1:9c:ae", text: "" });
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: 1 DHCPACK(br-pxe) 10.254.0.158 52:54:00:12:34:56 pxelab-525400123456")).toMatchObject({ ip: "10.254.0.158", text: "pxelab-525400123456" });
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: 7 DHCPDISCOVER(v0) 52:54:00:a1:9c:ae no address available")).toMatchObject({ mac: "52:54:00:a1:9c:ae", text: "no address available" });
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: 7 DHCPRELEASE(v0) 192.168.77.21 52:54:00:a1:9c:ae")).toMatchObject({ message: "DHCPRELEASE", ip: "192.168.77.21" });
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: 3327755375 PXE(v0) 52:54:00:a1:9c:ae proxy")).toMatchObject({ message: "PXE", mac: "52:54:00:a1:9c:ae", text: "proxy" });
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: 3327755375 PXE(v0) 192.168.77.5 52:54:00:a1:9c:ae undionly.kpxe")).toMatchObject({ ip: "192.168.77.5", text: "undionly.kpxe" });
    // an InfiniBand-length hardware address is no MAC watch can match
    expect(record("dnsmasq", "dnsmasq-dhcp[1]: DHCPDISCOVER(ib0) 80:00:00:48:fe:80:00:00:00:00:00:00 ")).not.toHaveProperty("mac");
  });

  it("reads the --log-dhcp details watch uses, by xid", () => {
    const detail = (m: string) => record("dnsmasq", `dnsmasq-dhcp[1]: 42 ${m}`);
    expect(detail("vendor class: PXEClient:Arch:00007:UNDI:003016")).toEqual({ kind: "dhcp-detail", xid: 42, detail: "vendor-class", value: "PXEClient:Arch:00007:UNDI:003016" });
    expect(detail("user class: iPXE")).toMatchObject({ detail: "user-class", value: "iPXE" });
    expect(detail("tags: known, ipxe, bios, v0")).toMatchObject({ detail: "tags", value: "known, ipxe, bios, v0" });
    expect(detail("sent size: 14 option: 67 bootfile-name  undionly.kpxe")).toMatchObject({ detail: "boot-file", value: "undionly.kpxe" });
    expect(detail("sent size: 43 option: 67 bootfile-name  http://matchbox.example.com:8080/boot.ipxe")).toMatchObject({ value: "http://matchbox.example.com:8080/boot.ipxe" });
    // a client that did not ask for option 67 gets the file in the BOOTP header (dnsmasq-stderr-k-live.log)
    expect(detail("bootfile name: http://10.77.0.1:8080/boot.ipxe")).toMatchObject({ detail: "boot-file", value: "http://10.77.0.1:8080/boot.ipxe" });
    expect(detail("sent size:  4 option:  3 router  192.168.77.1")).toMatchObject({ detail: "other" });
    expect(detail("requested options: 66:tftp-server, 67:bootfile-name")).toMatchObject({ detail: "other" });
  });

  it("reads TFTP transfers, misses and client aborts", () => {
    const tftp = (m: string) => record("dnsmasq", `Nov 22 22:07:44 dnsmasq-tftp[5174]: ${m}`);
    expect(tftp("sent /var/lib/tftpboot/undionly.kpxe to 192.168.77.21")).toEqual({ kind: "tftp", event: "sent", path: "/var/lib/tftpboot/undionly.kpxe", ip: "192.168.77.21" });
    expect(tftp("file /var/lib/tftpboot/missing.efi not found for 192.168.77.21")).toEqual({ kind: "tftp", event: "not-found", path: "/var/lib/tftpboot/missing.efi", ip: "192.168.77.21" });
    expect(tftp("file /var/lib/tftpboot/missing.efi not found")).toEqual({ kind: "tftp", event: "not-found", path: "/var/lib/tftpboot/missing.efi" });
    expect(tftp("error 8 User aborted the transfer received from 10.254.0.160")).toEqual({ kind: "tftp", event: "client-error", code: 8, message: "User aborted the transfer", ip: "10.254.0.160" });
    expect(tftp("failed sending /srv/tftp/ipxe.efi to 10.0.0.5")).toMatchObject({ event: "failed", message: "failed" });
    expect(tftp("timeout sending /srv/tftp/ipxe.efi to 10.0.0.5")).toMatchObject({ event: "failed", message: "timeout" });
  });

  it("ignores start-up, DNS and unknown lines", () => {
    for (const line of [
      "Nov 22 22:07:34 dnsmasq[5174]: started, version 2.90 DNS disabled",
      "Nov 22 22:07:34 dnsmasq-dhcp[5174]: DHCP, IP range 192.168.77.50 -- 192.168.77.99, lease time 1h",
      "Nov 22 22:07:34 dnsmasq-tftp[5174]: TFTP root is /var/lib/tftpboot  ",
      "dnsmasq-script[1]: whatever",
      "sshd[99]: Accepted publickey for root",
      "",
      "dnsmasq-dhcp[1]: DHCPDISCOVER(v0",
    ]) {
      expect(record("dnsmasq", line)).toBeUndefined();
    }
  });
});

describe("the captured dnsmasq logs", () => {
  it.each(["dnsmasq-file.log", "dnsmasq-proxy.log", "dnsmasq-stderr-d.log", "dnsmasq-stderr-k.log", "dnsmasq-stderr-k-live.log"])("%s: every DHCP, PXE and TFTP line parses", (name) => {
    const lines = fixture(`dnsmasq/${name}`);
    const meaningful = lines.filter((l) => /(DHCP[A-Z]+|PXE)\(|dnsmasq-tftp.*(sent|not found|error)|dnsmasq-dhcp(\[\d+\])?: \d+ /.test(l));
    expect(meaningful.length).toBeGreaterThan(0);
    for (const line of meaningful) expect(record("dnsmasq", line), line).toBeDefined();
    const macs = lines.map((l) => record("dnsmasq", l)).flatMap((r) => (r?.kind === "dhcp" && r.mac ? [r.mac] : []));
    expect(new Set(macs).size).toBeGreaterThan(0);
  });
});

describe("matchbox lines", () => {
  const get = (query: string) => `time="2026-11-22T22:07:36Z" level=info msg="HTTP GET /ipxe?${query}"`;
  it("reads every request with its raw query, bare or after a journal prefix", () => {
    const expected = { kind: "http", method: "GET", path: "/ipxe", query: "uuid=u&mac=52-54-00-a1-9c-ae&domain=&hostname=&serial=&arch=x86_64" };
    expect(record("matchbox", get(expected.query))).toEqual(expected);
    expect(record("matchbox", `Nov 23 00:30:56 vm matchbox[6297]: ${get(expected.query)}`)).toEqual(expected);
    expect(parseLine({ origin: "journal", text: `2026-11-23T00:30:56.076984+0000 vm matchbox[6297]: ${get(expected.query)}` })?.at).toBeCloseTo(Date.parse("2026-11-23T00:30:56.076Z") + 0.984, 3);
    expect(record("matchbox", 'time="2026-11-22T22:07:36Z" level=info msg="HTTP GET /boot.ipxe"')).toEqual({ kind: "http", method: "GET", path: "/boot.ipxe", query: "" });
  });

  it("reads the misses that explain a stuck node, with their labels", () => {
    expect(record("matchbox", 'time="x" level=info msg="No matching group" labels="map[mac:52:54:00:b2:2f:86 os:installed]"')).toEqual({
      kind: "matchbox-problem", problem: "no-matching-group", message: "No matching group", labels: { mac: "52:54:00:b2:2f:86", os: "installed" },
    });
    expect(record("matchbox", 'time="x" level=info msg="No matching profile" labels="map[arch:x86_64 domain: mac:52:54:00:b2:2f:86 uuid:]"')).toMatchObject({
      problem: "no-matching-profile", labels: { arch: "x86_64", domain: "", mac: "52:54:00:b2:2f:86", uuid: "" },
    });
    expect(record("matchbox", 'time="x" level=warning msg="ignoring unparseable MAC address: address 52-54-00-zz: invalid MAC address" mac=52-54-00-zz')).toMatchObject({ problem: "unparseable-mac", rawMac: "52-54-00-zz" });
    expect(record("matchbox", 'time="x" level=info msg="No Ignition or Container Linux Config template named: x.ign" group=g labels="map[mac:52:54:00:b2:2f:86]"')).toMatchObject({ problem: "missing-template" });
    expect(record("matchbox", 'time="x" level=info msg="Starting matchbox HTTP server on 0.0.0.0:8080"')).toBeUndefined();
  });

  it("undoes Go's quoting inside values", () => {
    expect(record("matchbox", String.raw`time="x" level=info msg="HTTP GET /ipxe?note=\"a\\b\"\x41\u00e9"`)).toMatchObject({ query: 'note="a\\b"Aé' });
  });

  it("never throws on a line cut anywhere", () => {
    const lines = [...fixture("journal-json.log"), ...fixture("journal-short-iso-precise.log"), ...fixture("dnsmasq/dnsmasq-file.log").slice(0, 60)];
    for (const line of lines) {
      for (let cut = 0; cut <= line.length; cut += 5) {
        for (const origin of ["dnsmasq", "matchbox", "journal", "journal-json"] as const) expect(() => parseLine({ origin, text: line.slice(0, cut) })).not.toThrow();
      }
    }
  });
});

describe("journal forms", () => {
  const messages = fixture("boot-messages.txt").map((l) => l.split("\t"));
  const recordsOf = (origin: LogOrigin, name: string) => fixture(name).map((text) => record(origin, text));
  const expected = messages.map(([ident, message]) => record(ident === "matchbox" ? "matchbox" : "dnsmasq", `${ident}[1]: ${message}`.replace(/^matchbox\[1\]: /, "")));

  it("give the same records as the messages journald received", () => {
    expect(expected.filter(Boolean).length).toBeGreaterThan(40);
    expect(recordsOf("journal-json", "journal-json.log")).toEqual(expected);
    expect(recordsOf("journal", "journal-short-iso-precise.log")).toEqual(expected);
    expect(recordsOf("journal", "journal-short-iso.log")).toEqual(expected);
    expect(recordsOf("journal", "journal-short.log")).toEqual(expected);
  });

  it("stamp JSON records with journald's microseconds", () => {
    const times = fixture("journal-json.log").map((text) => parseLine({ origin: "journal-json", text })?.at);
    expect(times.every((t) => t !== undefined && t > Date.parse("2026-01-01"))).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a! - b!));
  });

  it("read MESSAGE given as bytes and ignore other programs and broken records", () => {
    const bytes = [...Buffer.from("sent /srv/tftp/ipxe.efi to 10.0.0.5")];
    expect(record("journal-json", JSON.stringify({ MESSAGE: bytes, SYSLOG_IDENTIFIER: "dnsmasq-tftp" }))).toMatchObject({ event: "sent" });
    expect(record("journal-json", JSON.stringify({ MESSAGE: "sent x to y", SYSLOG_IDENTIFIER: "in.tftpd" }))).toBeUndefined();
    expect(record("journal-json", '{"MESSAGE":"sent')).toBeUndefined();
    expect(record("journal-json", "[1,2]")).toBeUndefined();
  });

  it("name the journalctl to run and the cursor to resume from", () => {
    expect(journalctlArgs({ follow: true })).toEqual([
      "journalctl", "--no-pager", "--output=json", "--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_PID", "--unit=pxectl-dnsmasq.service", "--unit=matchbox.service", "--lines=0", "--follow",
    ]);
    expect(journalctlArgs({ follow: true, afterCursor: "s=1;i=2" })).toContain("--after-cursor=s=1;i=2");
    expect(journalctlArgs({ follow: false, since: 1_700_000_000_500 })).toContain("--since=@1700000000");
    expect(journalCursor(fixture("journal-json.log")[0]!)).toMatch(/^s=[0-9a-f]+;i=/);
  });
});
