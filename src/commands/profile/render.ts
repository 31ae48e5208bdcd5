import type { CommandResult } from "../../cli/command";
import type { Context } from "../../cli/context";
import { NotFoundError, UsageError } from "../../core/errors";
import { parseMachineMac } from "../../core/mac";
import { type Exchange, simulateBoot } from "../../matchbox/simulate";
import { loadDesired } from "../../project";

export interface RenderOptions {
  dir?: string;
  mac: string;
  /** k=v pairs: iPXE settings (uuid, hostname, serial, domain, buildarch) or extra labels. */
  query: string[];
  /** Print only this body, byte for byte. */
  only?: "ipxe" | "ignition";
}

/** RenderResult is the machine and the two answers it gets. */
export interface RenderResult {
  mac: string;
  ipxe: Exchange;
  ignition: Exchange;
}

function parseQuery(pairs: readonly string[]): Record<string, string> {
  const query: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--query "${pair}" is not k=v`, { hint: "for example --query os=installed (repeat --query for more)" });
    const key = pair.slice(0, eq);
    if (key.toLowerCase() === "mac") throw new UsageError("the MAC is given with --mac, not --query", { hint: "pxectl profile render --mac 52:54:00:a1:9c:ae" });
    query[key] = pair.slice(eq + 1);
  }
  return query;
}

function head(e: Exchange, what: string): string {
  const matched = [e.group && `group ${e.group}`, e.profile && `profile ${e.profile}`, e.config && `config ${e.config}`].filter(Boolean).join(", ");
  const served = e.status === 200 ? `${matched}${e.note ? ` (${e.note})` : ""}` : `404: ${e.note ?? "not found"}`;
  return `# ${what}: GET ${e.url}\n# -> ${served}`;
}

/**
 * run renders the profile directory and shows what a machine with that MAC would receive
 * from matchbox: the iPXE script (/boot.ipxe -> /ipxe) and its Ignition config (/ignition),
 * selected locally by matchbox's rules. No server is contacted.
 */
export async function run(o: RenderOptions, ctx: Context): Promise<CommandResult<RenderResult>> {
  const mac = parseMachineMac(o.mac, "--mac");
  const query = parseQuery(o.query);
  const { desired } = await loadDesired(ctx, o.dir, { projectBeside: true });
  const configs = new Map([...desired.configs.values()].map((c) => [c.name, c]));
  const { ipxe, ignition } = simulateBoot(
    { groups: [...desired.groups.values()], profile: (id) => desired.profiles.get(id), ignition: (name) => configs.get(name)?.compiled().json },
    { mac, query },
  );
  if (ipxe.status === 404 && o.only !== "ignition") {
    throw new NotFoundError(`matchbox would answer ${ipxe.url} with 404: ${ipxe.note}`, { hint: "a group without a selector catches every machine; pxectl profile plan lists the groups" });
  }
  if (o.only === "ignition" && ignition.status === 404) {
    throw new NotFoundError(`matchbox would answer ${ignition.url} with 404: ${ignition.note}`, { hint: "pxectl profile render --mac MAC shows both requests" });
  }
  return {
    value: { mac, ipxe, ignition },
    render: (v, s) => {
      if (o.only) return v[o.only].body.replace(/\n$/, "");
      const ign = v.ignition.status === 200 ? v.ignition.body : "";
      return [s.dim(head(v.ipxe, "iPXE")), v.ipxe.body, s.dim(head(v.ignition, "Ignition")), ign].join("\n").replace(/\n+$/, "");
    },
  };
}
