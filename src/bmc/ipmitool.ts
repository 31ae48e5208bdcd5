// Running ipmitool (IPMI v2, lanplus) against a BMC from wherever the BMC network is: this
// machine (optionally inside a network namespace: the lab) or the matchbox host over SSH.
// The password never goes on a command line (ps shows those): locally it goes through the
// environment (-E reads IPMI_PASSWORD), on the host through a 0600 file removed afterwards (-f).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { PxeError} from "../core/errors";
import { RemoteError, TimeoutError, UsageError } from "../core/errors";
import { type RemoteHost, quoteAll } from "../remote";

/** IpmiRun is one finished ipmitool run. */
export interface IpmiRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Killed at the deadline: the BMC never answered. */
  timedOut: boolean;
  /** How long the run took, for messages. */
  ms?: number;
}

/** IpmiRunner runs ipmitool with a password it keeps off the command line. */
export interface IpmiRunner {
  /** Where ipmitool runs, for messages: "this machine", "the matchbox host". */
  readonly where: string;
  run(args: readonly string[], password: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<IpmiRun>;
}

const MISSING_IPMITOOL = (where: string) => new UsageError(`ipmitool is not installed on ${where}`, { hint: "apt-get install ipmitool (pxectl init installs it on the matchbox host)" });

/** localRunner runs ipmitool on this machine; prefix (e.g. ip netns exec NS) runs it inside a namespace. */
export function localRunner(where = "this machine", prefix: readonly string[] = []): IpmiRunner {
  return {
    where,
    run: (args, password, o) =>
      new Promise((resolve, reject) => {
        const argv = [...prefix, "ipmitool", "-E", ...args];
        const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, IPMI_PASSWORD: password }, stdio: ["ignore", "pipe", "pipe"], signal: o.signal });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, o.timeoutMs);
        child.once("error", (e: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          reject(e.code === "ENOENT" ? MISSING_IPMITOOL(where) : e);
        });
        child.once("close", (code) => {
          clearTimeout(timer);
          // ip netns exec says "exec of ipmitool failed" (exit 255) when it is missing
          if (code === 255 && /exec of "?ipmitool"? failed/.test(stderr)) reject(MISSING_IPMITOOL(where));
          else resolve({ exitCode: code, stdout, stderr, timedOut });
        });
      }),
  };
}

/** PASSWORD_DIR holds the host's short-lived password files: root's, 0700, on tmpfs. */
const PASSWORD_DIR = "/run/pxectl-bmc";

/** hostRunner runs ipmitool on the matchbox host, as root, with the password in a file that lives for one run. */
export function hostRunner(host: RemoteHost): IpmiRunner {
  return {
    where: "the matchbox host",
    async run(args, password, o) {
      const file = `${PASSWORD_DIR}/${randomBytes(8).toString("hex")}`;
      await host.exec(quoteAll(["install", "-d", "-m", "0700", PASSWORD_DIR]), { asRoot: true, idempotent: true, label: `mkdir ${PASSWORD_DIR}`, signal: o.signal });
      await host.upload(password, file, { mode: 0o600 });
      try {
        const command = `command -v ipmitool >/dev/null || exit 127; ${quoteAll(["ipmitool", "-f", file, ...args])}`;
        const r = await host.exec(command, { asRoot: true, timeoutMs: o.timeoutMs, okExitCodes: Array.from({ length: 256 }, (_, i) => i), label: `ipmitool ${args.slice(-3).join(" ")}`, signal: o.signal });
        if (r.exitCode === 127) throw MISSING_IPMITOOL("the matchbox host");
        return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: false };
      } catch (e) {
        if (e instanceof TimeoutError) return { exitCode: null, stdout: "", stderr: "", timedOut: true };
        throw e;
      } finally {
        await host.exec(quoteAll(["rm", "-f", file]), { asRoot: true, idempotent: true, label: "rm the BMC password file" }).catch(() => undefined);
      }
    },
  };
}

/** BmcTarget is one node's BMC, as the commands address it. */
export interface BmcTarget {
  node: string;
  /** ipmi://… as messages show it. */
  label: string;
  host: string;
  port: number;
  cipher: number;
  user: string;
  password: string;
}

/** IPMI_TIMEOUT_S and IPMI_RETRIES bound one ipmitool run against a silent BMC to seconds, not minutes. */
const IPMI_TIMEOUT_S = 2;
const IPMI_RETRIES = 2;
/** The whole run's deadline: past it ipmitool is killed (a BMC that half answers must not hang pxectl). */
export const IPMI_DEADLINE_MS = 30_000;

/** lanplusArgs are ipmitool's options for one BMC, without the password. */
export function lanplusArgs(t: BmcTarget, command: readonly string[]): string[] {
  // OPERATOR is the least privilege that switches power and sets boot flags: an administrator account works too
  return ["-I", "lanplus", "-H", t.host, "-p", String(t.port), "-U", t.user, "-L", "OPERATOR", "-C", String(t.cipher), "-N", String(IPMI_TIMEOUT_S), "-R", String(IPMI_RETRIES), "-v", ...command];
}

export type BmcFailure = "credentials" | "unreachable" | "refused";

/** classify tells why ipmitool failed, from its own words (with -v it says which RAKP step failed). */
export function classify(r: IpmiRun): BmcFailure | undefined {
  if (r.timedOut) return "unreachable";
  if (r.exitCode === 0) return undefined;
  const text = `${r.stderr}\n${r.stdout}`;
  if (/RAKP \d HMAC is invalid|unauthorized name|RAKP \d message indicates an error|invalid (user ?name|password)|password.*(invalid|incorrect)/i.test(text)) return "credentials";
  if (/Get Auth Capabilities error|Error issuing Get Channel Authentication|No response from remote controller|Unable to establish IPMI v2 \/ RMCP\+ session|Address lookup for .* failed|unable to connect/i.test(text)) return "unreachable";
  return "refused";
}

/** lastLine is ipmitool's last meaningful line, for a refusal's message. */
function lastLine(r: IpmiRun): string {
  const lines = `${r.stderr}\n${r.stdout}`.split("\n").map((l) => l.trim()).filter((l) => l && !/^Loading IANA PEN Registry/.test(l) && !/^Running Get |^Discovered IPMB|^Get HPM\.x|^Invalid completion code received: Invalid command/.test(l));
  return lines.at(-1) ?? `exit code ${r.exitCode}`;
}

/** bmcError turns a failed run into the one-line error naming the node and its BMC. */
export function bmcError(t: BmcTarget, command: readonly string[], r: IpmiRun, where: string): PxeError {
  const who = `node ${t.node}: BMC ${t.label}`;
  switch (classify(r)) {
    case "credentials":
      return new RemoteError(`${who} refused user ${t.user}: wrong user name or password`, { hint: `set them again: pxectl node set ${t.node} --bmc-user USER (password from PXECTL_BMC_PASSWORD or --bmc-password-file)` });
    case "unreachable": {
      const waited = r.timedOut ? IPMI_DEADLINE_MS : (r.ms ?? (IPMI_RETRIES + 1) * IPMI_TIMEOUT_S * 1000);
      return new TimeoutError(`${who} did not answer IPMI over LAN from ${where} (gave up after ${Math.round(waited / 1000)} s)`, {
        hint: `check the address, that the BMC has IPMI over LAN enabled, and that ${where} reaches it; pxectl node set ${t.node} --bmc-via ${where === "this machine" ? "host" : "local"} runs ipmitool ${where === "this machine" ? "on the matchbox host" : "on this machine"}`,
      });
    }
    default:
      return new RemoteError(`${who} refused "${command.join(" ")}": ${lastLine(r)}`, { hint: "the BMC may not support it, or the user may lack the operator or administrator privilege it needs" });
  }
}

/** ipmi runs one command against a node's BMC; a failure is the error bmcError names. */
export async function ipmi(runner: IpmiRunner, t: BmcTarget, command: readonly string[], signal?: AbortSignal): Promise<string> {
  const started = Date.now();
  const r = await runner.run(lanplusArgs(t, command), t.password, { timeoutMs: IPMI_DEADLINE_MS, signal });
  if (classify(r)) throw bmcError(t, command, { ...r, ms: Date.now() - started }, runner.where);
  return r.stdout;
}
