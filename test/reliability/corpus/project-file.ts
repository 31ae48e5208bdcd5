// pxectl.yaml: not YAML, unknown keys, wrong types, bad names, addresses and ranges.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BadInput } from "./types";

const config = (name: string, text: string, says?: string | RegExp): BadInput => ({
  name: `pxectl.yaml: ${name}`,
  argv: ["config", "validate"],
  files: { "pxectl.yaml": text },
  exitCode: 3,
  says,
});
const net = (lines: string) => `name: demo\nnetwork:\n${lines}`;

export const projectFileCases: BadInput[] = [
  { name: "pxectl.yaml: --config names a folder", argv: ["-c", ".", "config", "validate"], exitCode: 3, says: "is a folder, not a project file" },
  {
    name: "pxectl.yaml: a folder of that name",
    argv: ["config", "validate"],
    setup: (f) => {
      rmSync(join(f.cwd, "pxectl.yaml"));
      mkdirSync(join(f.cwd, "pxectl.yaml"));
    },
    exitCode: 3,
    says: "pxectl.yaml: is a folder, not a project file",
  },
  { name: "pxectl.yaml: --config names a folder, for init", argv: ["-c", "profiles", "init", "--yes"], exitCode: 3, says: "profiles: is a folder" },
  config("empty", "", "empty"),
  // a syntax error says how to fix it, and a bad value beyond the schema says where it is
  config("unclosed quote, with a hint", 'name: "demo\n', /pxectl\.yaml:2:1: invalid YAML: Missing closing "quote\nhint: close the quote/),
  config("a tab, with a hint", "name: demo\nsakuracloud:\n\tzone: is1a\n", /\nhint: YAML indents with spaces only/),
  config("an invalid address, located", "name: demo\nnetwork:\n  address: 192.168.0.300/24\n", "pxectl.yaml:3:12: network.address: 192.168.0.300/24 is not an IPv4 address"),
  config("only a comment", "# nothing\n"),
  config("a tab for indentation", "name: demo\nsakuracloud:\n\tzone: is1a\n", "pxectl.yaml:3"),
  config("unclosed quote", 'name: "demo\n', "pxectl.yaml:"),
  config("unclosed flow sequence", "name: demo\nsakuracloud:\n  allow_from: [203.0.113.7\n", "pxectl.yaml:"),
  config("duplicate key", "name: demo\nname: other\n", "unique"),
  config("two documents", "name: demo\n---\nname: other\n"),
  config("a list at the top", "- name: demo\n"),
  config("a scalar at the top", "demo\n"),
  config("binary junk", "\u0000\u0001\u0002PK\u0003\u0004"),
  config("an alias bomb", 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nname: demo\n'),
  config("unknown key", "name: demo\nnmae: x\n", 'did you mean "name"'),
  config("unknown nested key", "name: demo\nsakuracloud:\n  zonee: is1a\n", '"zone"'),
  config("missing name", "provider: sakuracloud\n", "name"),
  config("upper-case name", "name: Demo\n", "name"),
  config("name too long", `name: ${"a".repeat(40)}\n`, "name"),
  config("unknown provider", "name: demo\nprovider: aws\n", "provider"),
  config("unknown zone", "name: demo\nsakuracloud:\n  zone: is1z\n", "zone"),
  config("rate_limit as text", "name: demo\nsakuracloud:\n  rate_limit: fast\n", "rate_limit"),
  config("switch_id too short", "name: demo\nsakuracloud:\n  switch_id: '123'\n", "switch_id"),
  config("allow_from as a string", "name: demo\nsakuracloud:\n  allow_from: 203.0.113.7\n", "allow_from"),
  config("allow_from octet over 255", "name: demo\nsakuracloud:\n  allow_from: [300.1.2.3]\n", "300.1.2.3"),
  config("allow_from prefix /33", "name: demo\nsakuracloud:\n  allow_from: [203.0.113.0/33]\n", "allow_from"),
  config("allow_from a host name", "name: demo\nsakuracloud:\n  allow_from: [example.com]\n", "allow_from"),
  config("host disk size not offered", "name: demo\nsakuracloud:\n  host:\n    disk_gb: 30\n", "disk_gb"),
  config("host core as text", "name: demo\nsakuracloud:\n  host:\n    core: two\n", "core"),
  config("ssh_port out of range", "name: demo\nhost:\n  ssh_port: 70000\n", "ssh_port"),
  config("network address without prefix", net("  address: 192.168.0.1\n"), "address"),
  config("network address octet over 255", net("  address: 192.168.0.256/24\n"), "192.168.0.256"),
  config("network address 999", net("  address: 999.168.0.1/24\n"), "999.168.0.1"),
  config("network address is the network", net("  address: 192.168.0.0/24\n"), "192.168.0.0"),
  config("dhcp range outside the network", net("  address: 192.168.0.1/24\n  dhcp_range: { start: 10.0.0.10, end: 192.168.0.20 }\n"), "10.0.0.10"),
  config("dhcp range backwards", net("  address: 192.168.0.1/24\n  dhcp_range: { start: 192.168.0.200, end: 192.168.0.100 }\n"), "dhcp_range"),
  config("dhcp range holds the host", net("  address: 192.168.0.1/24\n  dhcp_range: { start: 192.168.0.1, end: 192.168.0.100 }\n"), "192.168.0.1"),
  config("dhcp range end octet over 255", net("  address: 192.168.0.1/24\n  dhcp_range: { start: 192.168.0.10, end: 192.168.0.300 }\n"), "192.168.0.300"),
  config("dhcp mode", net("  dhcp: half\n"), "dhcp"),
  config("lease time in weeks", net("  lease_time: 1w\n"), "lease_time"),
  config("dns server as a name", net("  dns_servers: [dns.google]\n"), "dns_servers"),
  config("interface name too long", net("  interface: a-very-long-interface-name\n"), "interface"),
  config("forward as text", net("  forward: sometimes\n"), "forward"),
  config("matchbox version without v", "name: demo\nmatchbox:\n  version: 0.11.0\n", "version"),
  config("matchbox port as text", "name: demo\nmatchbox:\n  http_port: '8080'\n", "http_port"),
  config("matchbox port 0", "name: demo\nmatchbox:\n  grpc_port: 0\n", "grpc_port"),
  config("flatcar channel", "name: demo\nassets:\n  flatcar:\n    channel: nightly\n", "channel"),
  config("flatcar version", "name: demo\nassets:\n  flatcar:\n    version: latest\n", "version"),
  config("install disk not a device", "name: demo\nnodes:\n  install_disk: sda\n", "install_disk"),
  config("node disk size", "name: demo\nnodes:\n  disk_gb: 33\n", "disk_gb"),
  config("name prefix", "name: demo\nnodes:\n  name_prefix: Node\n", "name_prefix"),
  config("tls validity negative", "name: demo\ntls:\n  validity_days: -1\n", "validity_days"),
  config("variables as a list", "name: demo\nvariables: [a, b]\n", "variables"),
];
