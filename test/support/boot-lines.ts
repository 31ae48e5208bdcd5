// Log lines of machines network-installing, as dnsmasq (--log-dhcp) and matchbox write them,
// step by step, in any of the forms watch reads: for tracker tests, property tests and bench.
import { hexhyp } from "../../src/core/mac";
import type { Stage } from "../../src/watch/lifecycle";
import type { LogLine } from "../../src/watch/ports";

export type Firmware = "bios" | "uefi" | "ipxe-rom";
export type LineFormat = "journal-json" | "journal" | "file";
export type MacSpelling = "hexhyp" | "url-encoded" | "upper";

/** Machine is one booting machine; xid seeds its DHCP transaction ids. */
export interface Machine {
  mac: string;
  ip: string;
  firmware: Firmware;
  xid: number;
  spelling?: MacSpelling;
}

export type Program = "dnsmasq-dhcp" | "dnsmasq-tftp" | "matchbox";

/** Message is one log message before it gets its time and form. */
export interface Message {
  program: Program;
  text: string;
}

/** Step is what a machine logs to reach a stage; MAC-less steps (kernel, initrd) may stay unattributed. */
export interface Step {
  stage: Stage;
  attributable: boolean;
  messages: Message[];
}

const MATCHBOX = "http://matchbox.example.com:8080";
const dhcp = (text: string): Message => ({ program: "dnsmasq-dhcp", text });
const http = (path: string): Message => ({ program: "matchbox", text: `HTTP GET ${path}` });

// What dnsmasq --log-dhcp writes around an OFFER or ACK (dnsmasq-file.log): most of it unused by watch.
function reply(xid: number, type: 2 | 5, offered: Message[]): Message[] {
  return [
    dhcp(`${xid} requested options: 1:netmask, 3:router, 6:dns-server, 15:domain-name, `),
    dhcp(`${xid} requested options: 66:tftp-server, 67:bootfile-name`),
    dhcp(`${xid} next server: 192.168.77.1`),
    dhcp(`${xid} broadcast response`),
    dhcp(`${xid} sent size:  1 option: 53 message-type  ${type}`),
    dhcp(`${xid} sent size:  4 option: 54 server-identifier  192.168.77.1`),
    dhcp(`${xid} sent size:  4 option: 51 lease-time  1h`),
    ...offered,
    dhcp(`${xid} sent size:  4 option: 58 T1  30m`),
    dhcp(`${xid} sent size:  4 option: 59 T2  52m30s`),
    dhcp(`${xid} sent size:  4 option:  1 netmask  255.255.255.0`),
    dhcp(`${xid} sent size:  4 option: 28 broadcast  192.168.77.255`),
    dhcp(`${xid} sent size:  4 option:  6 dns-server  192.168.77.1`),
    dhcp(`${xid} sent size:  4 option:  3 router  192.168.77.1`),
  ];
}

function exchange(m: Machine, xid: number, client: "pxe" | "ipxe" | "os", bootFile?: string): Message[] {
  const arch = m.firmware === "bios" ? "00000:UNDI:002001" : "00007:UNDI:003016";
  const classes = client === "os" ? [] : [dhcp(`${xid} vendor class: PXEClient:Arch:${arch}`), ...(client === "ipxe" ? [dhcp(`${xid} user class: iPXE`)] : [])];
  const offered = bootFile ? [dhcp(`${xid} sent size: ${String(bootFile.length).padStart(2)} option: 67 bootfile-name  ${bootFile}`)] : [];
  const tags = dhcp(`${xid} tags: ${client === "ipxe" ? "ipxe, " : ""}${client === "os" ? "" : m.firmware === "bios" ? "bios, " : "efi64, "}v0`);
  const range = dhcp(`${xid} available DHCP range: 192.168.77.50 -- 192.168.77.99`);
  return [
    range,
    ...classes,
    dhcp(`${xid} DHCPDISCOVER(v0) ${m.mac} `),
    tags,
    dhcp(`${xid} DHCPOFFER(v0) ${m.ip} ${m.mac} `),
    ...reply(xid, 2, offered),
    range,
    ...classes,
    dhcp(`${xid} DHCPREQUEST(v0) ${m.ip} ${m.mac} `),
    tags,
    dhcp(`${xid} DHCPACK(v0) ${m.ip} ${m.mac} `),
    ...reply(xid, 5, offered),
  ];
}

function macParam(m: Machine): string {
  switch (m.spelling ?? "hexhyp") {
    case "hexhyp":
      return hexhyp(m.mac);
    case "url-encoded":
      return encodeURIComponent(m.mac); // iPXE's ${net0/mac} in a script URL
    case "upper":
      return hexhyp(m.mac).toUpperCase();
  }
}

/** installSteps is a whole install: firmware DHCP to the installed system's first lease. */
export function installSteps(m: Machine): Step[] {
  const bootFile = m.firmware === "bios" ? "undionly.kpxe" : "ipxe.efi";
  const steps: Step[] = [];
  if (m.firmware === "ipxe-rom") {
    steps.push({ stage: "dhcp", attributable: true, messages: exchange(m, m.xid, "ipxe", `${MATCHBOX}/boot.ipxe`) });
  } else {
    steps.push({ stage: "dhcp", attributable: true, messages: exchange(m, m.xid, "pxe", bootFile) });
    const probe = m.firmware === "uefi" ? [{ program: "dnsmasq-tftp" as const, text: `error 8 User aborted the transfer received from ${m.ip}` }] : [];
    steps.push({ stage: "boot-file", attributable: true, messages: [...probe, { program: "dnsmasq-tftp", text: `sent /var/lib/tftpboot/${bootFile} to ${m.ip}` }] });
  }
  const chain = m.firmware === "ipxe-rom" ? [] : exchange(m, m.xid + 1, "ipxe", `${MATCHBOX}/boot.ipxe`);
  steps.push({ stage: "ipxe", attributable: true, messages: [...chain, http("/boot.ipxe"), http(`/ipxe?uuid=&mac=${macParam(m)}&domain=&hostname=&serial=&arch=x86_64`)] });
  steps.push({ stage: "kernel", attributable: false, messages: [http("/assets/flatcar/4593.2.5/flatcar_production_pxe.vmlinuz")] });
  steps.push({ stage: "initrd", attributable: false, messages: [http("/assets/flatcar/4593.2.5/flatcar_production_pxe_image.cpio.gz"), ...exchange(m, m.xid + 2, "os")] });
  steps.push({ stage: "install-config", attributable: true, messages: [http(`/ignition?uuid=&mac=${hexhyp(m.mac)}`)] });
  steps.push({ stage: "installing", attributable: true, messages: exchange(m, m.xid + 3, "os") });
  steps.push({ stage: "installed-config", attributable: true, messages: [http(`/ignition?mac=${m.mac}&os=installed`), http("/assets/flatcar/4593.2.5/flatcar_production_image.bin.bz2")] });
  steps.push({ stage: "rebooting", attributable: true, messages: [dhcp(`${m.xid + 3} DHCPRELEASE(v0) ${m.ip} ${m.mac} `)] });
  steps.push({ stage: "installed", attributable: true, messages: exchange(m, m.xid + 4, "os") });
  return steps;
}

/** TimedLine is a rendered line with the time it was logged and the machine and stage it belongs to. */
export interface TimedLine {
  at: number;
  line: LogLine;
  mac: string;
  stage: Stage;
}

const SYSLOG_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
let cursor = 0;

/** formatLine renders a message logged at `at` in one of the forms watch reads. */
export function formatLine(msg: Message, at: number, format: LineFormat): LogLine {
  const iso = new Date(at).toISOString();
  const text = msg.program === "matchbox" ? `time="${iso.slice(0, 19)}Z" level=info msg="${msg.text}"` : msg.text;
  switch (format) {
    case "journal-json": {
      const micros = String(Math.round(at * 1000));
      // journald strips the space dnsmasq leaves after a MAC
      return { origin: "journal-json", text: JSON.stringify({ __CURSOR: `s=0;i=${(cursor++).toString(16)}`, __REALTIME_TIMESTAMP: micros, _PID: "5174", MESSAGE: text.trimEnd(), SYSLOG_IDENTIFIER: msg.program }) };
    }
    case "journal": {
      const precise = `${iso.slice(0, 19)}.${String(Math.round((at % 1000) * 1000)).padStart(6, "0")}+0000`;
      return { origin: "journal", text: `${precise} pxe-host ${msg.program}[${msg.program === "matchbox" ? 812 : 5174}]: ${text.trimEnd()}` };
    }
    case "file": {
      if (msg.program === "matchbox") return { origin: "matchbox", text, receivedAt: at };
      const d = new Date(at);
      const stamp = `${SYSLOG_MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${iso.slice(11, 19)}`;
      return { origin: "dnsmasq", text: `${stamp} ${msg.program}[5174]: ${text}`, receivedAt: at };
    }
  }
}

/** renderSteps gives step i the time t0 + i * stepMs, its lines 1 ms apart. */
export function renderSteps(m: Machine, steps: readonly Step[], t0: number, stepMs: number, format: LineFormat): TimedLine[] {
  return steps.flatMap((step, i) => step.messages.map((msg, j) => ({ at: t0 + i * stepMs + j, line: formatLine(msg, t0 + i * stepMs + j, format), mac: m.mac, stage: step.stage })));
}

/** machine i: a distinct MAC, IP and xid range. */
export function machine(i: number, firmware: Firmware = "bios", spelling: MacSpelling = "hexhyp"): Machine {
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return { mac: `52:54:00:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`, ip: `10.${(i >> 8) & 255}.${i & 255}.2`, firmware, xid: 1_000_000 + i * 10, spelling };
}
