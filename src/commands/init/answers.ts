// The first init in a folder writes pxectl.yaml from answers: flags first, then questions
// on a terminal; without one, a missing answer is an error naming its flag. Once the
// file exists it is the single source of truth, and flags that contradict it are refused.
import { basename } from "node:path";
import { UsageError } from "../../core/errors";
import type { Prompter } from "../../output/prompt";
import { type ProjectConfig, parseProjectConfig } from "../../config/project";

/** InitFlags are the answers init accepts as flags. */
export interface InitFlags {
  name?: string;
  provider?: "sakuracloud" | "existing";
  zone?: string;
  allowFrom?: string[];
  switchId?: string;
  dhcp?: "full" | "proxy";
  host?: string;
  sshUser?: string;
}

const CIDR = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$/;
const NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const ZONES = ["is1a", "is1b", "is1c", "tk1a", "tk1b", "tk1v"];

function suggestedName(cwd: string): string | undefined {
  const name = basename(cwd).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+|-+$/g, "").slice(0, 32);
  return NAME.test(name) ? name : undefined;
}

/** projectFileFromAnswers asks what flags did not say and returns pxectl.yaml's text. */
export async function projectFileFromAnswers(flags: InitFlags, prompt: Prompter, cwd: string): Promise<string> {
  const name =
    flags.name ??
    (await prompt.input("Environment name (names and tags every cloud resource)", {
      flag: "--name",
      default: suggestedName(cwd),
      validate: (v) => NAME.test(v) || "lower-case letters, digits and hyphens, 2 to 32 characters, starting with a letter",
    }));
  const provider =
    flags.provider ??
    (await prompt.select(
      "Where should the matchbox host run?",
      [
        { name: "SakuraCloud: pxectl creates a switch and the host", value: "sakuracloud" as const },
        { name: "An existing host on any L2 network (SSH)", value: "existing" as const },
      ],
      { flag: "--provider", default: "sakuracloud" },
    ));
  const lines = ["# pxectl project file; every key is described in schemas/pxectl.schema.json", `name: ${name}`, `provider: ${provider}`];
  if (provider === "sakuracloud") {
    const zone =
      flags.zone ??
      (await prompt.select("Zone", ZONES.map((z) => ({ name: z === "tk1v" ? "tk1v (sandbox)" : z, value: z })), { flag: "--zone", default: "is1a" }));
    const allowFrom =
      flags.allowFrom ??
      (await prompt.input("Your public IPv4 address or CIDR (only it may reach SSH and gRPC)", {
        flag: "--allow-from",
        validate: (v) => v.split(/[\s,]+/).every((a) => CIDR.test(a)) || "such as 203.0.113.7 or 203.0.113.0/24",
      })).split(/[\s,]+/);
    lines.push("sakuracloud:", `  zone: ${zone}`, `  allow_from: [${allowFrom.join(", ")}]`);
    if (flags.switchId) lines.push(`  switch_id: "${flags.switchId}"`);
  } else {
    const host = flags.host ?? (await prompt.input("The host's address (SSH and gRPC)", { flag: "--host" }));
    const user = flags.sshUser ?? (await prompt.input("SSH user on the host", { flag: "--ssh-user", default: "root" }));
    lines.push("host:", `  address: ${host}`, `  ssh_user: ${user}`);
  }
  const dhcp =
    flags.dhcp ??
    (await prompt.select(
      "DHCP on the provisioning network",
      [
        { name: "full: dnsmasq hands out addresses", value: "full" as const },
        { name: "proxy: an existing DHCP server does; dnsmasq adds boot options", value: "proxy" as const },
      ],
      { flag: "--dhcp", default: "full" },
    ));
  lines.push("network:", "  address: 192.168.0.1/24", `  dhcp: ${dhcp}`);
  const text = lines.join("\n") + "\n";
  parseProjectConfig(text, "pxectl.yaml"); // answers were validated one by one; this checks the whole
  return text;
}

/** refuseContradictions rejects flags that disagree with an existing pxectl.yaml. */
export function refuseContradictions(flags: InitFlags, config: ProjectConfig, file: string): void {
  const checks: Array<[string, string | undefined, string | undefined]> = [
    ["--name", flags.name, config.name],
    ["--provider", flags.provider, config.provider],
    ["--zone", flags.zone, config.sakuracloud.zone],
    ["--switch-id", flags.switchId, config.sakuracloud.switch_id],
    ["--dhcp", flags.dhcp, config.network.dhcp],
    ["--host", flags.host, config.host?.address],
    ["--ssh-user", flags.sshUser, config.host?.ssh_user],
    ["--allow-from", flags.allowFrom?.join(","), config.sakuracloud.allow_from?.join(",")],
  ];
  for (const [flag, given, configured] of checks) {
    if (given !== undefined && given !== configured) {
      throw new UsageError(`${flag} ${given} contradicts ${file} (${configured ?? "not set"})`, {
        hint: `edit ${file} instead: it is the project's source of truth once it exists`,
      });
    }
  }
}
