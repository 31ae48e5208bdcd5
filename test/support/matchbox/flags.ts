// matchbox's command line: Go's flag package (-name value, -name=value, --name; booleans
// only as -name or -name=true), then MATCHBOX_<NAME> environment variables for every flag
// not given (coreos/pkg flagutil.SetFlagsFromEnv), with matchbox's defaults.

/** Flags are matchbox's flags that the test server reads. */
export interface Flags {
  address: string;
  "rpc-address": string;
  "data-path": string;
  "assets-path": string;
  "log-level": string;
  "cert-file": string;
  "key-file": string;
  "ca-file": string;
  "key-ring-path": string;
  "web-ssl": boolean;
  "web-cert-file": string;
  "web-key-file": string;
  version: boolean;
  help: boolean;
}

const DEFAULTS: Flags = {
  address: "127.0.0.1:8080",
  "rpc-address": "",
  "data-path": "/var/lib/matchbox",
  "assets-path": "/var/lib/matchbox/assets",
  "log-level": "info",
  "cert-file": "/etc/matchbox/server.crt",
  "key-file": "/etc/matchbox/server.key",
  "ca-file": "/etc/matchbox/ca.crt",
  "key-ring-path": "",
  "web-ssl": false,
  "web-cert-file": "/etc/matchbox/ssl/server.crt",
  "web-key-file": "/etc/matchbox/ssl/server.key",
  version: false,
  help: false,
};

const USAGE_TEXT: Record<keyof Flags, string> = {
  address: "HTTP listen address",
  "rpc-address": "RPC listen address",
  "data-path": "Path to data directory",
  "assets-path": "Path to static assets",
  "log-level": "Set the logging level",
  "cert-file": "Path to the server TLS certificate file",
  "key-file": "Path to the server TLS key file",
  "ca-file": "Path to the CA verify and authenticate client certificates",
  "key-ring-path": "Path to a private keyring file (not supported by the test server)",
  "web-ssl": "True to enable HTTPS (not supported by the test server)",
  "web-cert-file": "Path to the server TLS certificate file",
  "web-key-file": "Path to the server TLS key file",
  version: "print version and exit",
  help: "print usage and exit",
};

/** FlagError is a command-line error: Go's flag package prints it with the usage and exits 2. */
export class FlagError extends Error {}

/** usage is what -help prints. */
export function usage(): string {
  const lines = (Object.keys(DEFAULTS) as Array<keyof Flags>).sort().map((name) => {
    const d = DEFAULTS[name];
    const head = typeof d === "boolean" ? `  -${name}` : `  -${name} string`;
    const def = typeof d === "string" && d !== "" ? ` (default ${JSON.stringify(d)})` : "";
    return `${head}\n    \t${USAGE_TEXT[name]}${def}`;
  });
  return `Usage of matchbox:\n${lines.join("\n")}\n`;
}

/** parseFlags reads argv (without the program name) and the environment. */
export function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): Flags {
  const flags: Flags = { ...DEFAULTS };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") break; // the first non-flag ends flags, as in Go
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const name = eq < 0 ? body : body.slice(0, eq);
    if (!(name in DEFAULTS)) throw new FlagError(`flag provided but not defined: -${name}`);
    const key = name as keyof Flags;
    if (typeof DEFAULTS[key] === "boolean") {
      const value = eq < 0 ? "true" : body.slice(eq + 1);
      if (!["true", "false", "1", "0", "t", "f", "TRUE", "FALSE", "True", "False", "T", "F"].includes(value)) throw new FlagError(`invalid boolean value "${value}" for -${name}: parse error`);
      (flags[key] as boolean) = ["true", "1", "t", "TRUE", "True", "T"].includes(value);
    } else if (eq >= 0) (flags[key] as string) = body.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: -${name}`);
      (flags[key] as string) = argv[++i]!;
    }
    given.add(name);
  }
  for (const name of Object.keys(DEFAULTS) as Array<keyof Flags>) {
    const value = env[`MATCHBOX_${name.toUpperCase().replace(/-/g, "_")}`];
    if (given.has(name) || value === undefined) continue;
    if (typeof DEFAULTS[name] === "boolean") (flags[name] as boolean) = value === "true" || value === "1";
    else (flags[name] as string) = value;
  }
  return flags;
}
