// Bad flags and arguments: unknown flags and commands, bad values, missing required ones.
import type { BadInput } from "./types";

const usage = (name: string, argv: string[], says?: string | RegExp, spawn = false): BadInput => ({ name: `flags: ${name}`, argv, exitCode: 2, says, spawn });

export const flagCases: BadInput[] = [
  usage("unknown flag", ["profile", "apply", "--bogus"], "unknown option '--bogus'", true),
  usage("unknown flag close to a real one", ["profile", "apply", "--prun"], "--prune"),
  usage("unknown command", ["nod", "list"], "unknown command 'nod'", true),
  usage("unknown subcommand", ["node", "ad"]),
  usage("bad --output value", ["-o", "xml", "node", "list"], "xml"),
  usage("--output without a value", ["node", "list", "-o"]),
  usage("bad PXECTL_OUTPUT", ["node", "list", "--no-leases"], "PXECTL_OUTPUT"),
  usage("--count 0", ["node", "add", "--create", "--count", "0"], "--count"),
  usage("--count -1", ["node", "add", "--create", "--count", "-1"], "--count"),
  usage("--count abc", ["node", "add", "--create", "--count", "abc"], "--count"),
  usage("--count 1.5", ["node", "add", "--create", "--count", "1.5"], "--count"),
  usage("--core abc", ["node", "add", "--create", "--core", "abc"], "--core"),
  usage("--memory 0", ["node", "add", "--create", "--memory", "0"], "--memory"),
  usage("lab up --memory 0", ["lab", "up", "--memory", "0", "--vms", "1"], "--memory"),
  usage("lab boot --memory 64", ["lab", "boot", "52:54:00:70:78:01", "--memory", "64"], "--memory"),
  usage("--disk-size 33", ["node", "add", "--create", "--disk-size", "33"], "--disk-size"),
  usage("--lock-timeout abc", ["--lock-timeout", "abc", "node", "list"], "--lock-timeout"),
  usage("--lock-timeout -5", ["--lock-timeout", "-5", "node", "list"], "--lock-timeout"),
  usage("--concurrency 0", ["profile", "apply", "--concurrency", "0"], "--concurrency"),
  usage("--role foo", ["cert", "show", "--role", "foo"], "foo"),
  usage("completion for an unknown shell", ["completion", "tcsh"], "tcsh"),
  usage("missing --mac", ["node", "add"], "--mac"),
  usage("--create with --mac", ["node", "add", "--create", "--mac", "52:54:00:00:00:09"], "--create"),
  usage("--meta without =", ["node", "add", "--mac", "52:54:00:00:00:09", "--meta", "role"], "role"),
  usage("bad node name", ["node", "add", "--mac", "52:54:00:00:00:09", "--name", "Bad Name"], "Bad Name"),
  usage("missing argument", ["group", "get"], "missing required argument"),
  usage("too many arguments", ["config", "validate", "extra"]),
  usage("init --provider aws", ["init", "--provider", "aws"], "aws"),
  usage("init --dhcp half", ["init", "--dhcp", "half"], "half"),
  usage("render --query without =", ["profile", "render", "--mac", "52:54:00:00:00:09", "--query", "uuid"], "uuid"),
  usage("--endpoint with a scheme", ["group", "list", "--endpoint", "https://matchbox:8081"], "without a scheme"),
  usage("--endpoint without a port", ["group", "list", "--endpoint", "matchbox"], "matchbox"),
  { name: "flags: --config names a missing file", argv: ["--config", "nosuch.yaml", "config", "validate"], exitCode: 3, says: "nosuch.yaml" },
  { name: "flags: -f names a missing folder", argv: ["profile", "plan", "--offline", "-f", "nosuch"], says: "nosuch" },
];

export const flagEnv: Record<string, Record<string, string>> = { "flags: bad PXECTL_OUTPUT": { PXECTL_OUTPUT: "xml" } };
