// Registering nodes: names and MACs checked against what state already holds, so a typo or
// a machine registered twice is refused with a line that says which node has it.
import { UsageError } from "../core/errors";
import { parseMachineMac } from "../core/mac";
import type { NodeRecord } from "../config/state";

const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** checkName refuses a name that is malformed or taken; reserved names belong to a node add --create cut short. */
export function checkName(name: string, nodes: Readonly<Record<string, NodeRecord>>, reserved: readonly string[] = []): string {
  if (!NAME.test(name)) throw new UsageError(`invalid node name "${name}"`, { hint: "use lower-case letters, digits and hyphens, up to 41 characters, such as web1 or node-3" });
  const existing = nodes[name];
  if (existing) throw new UsageError(`node ${name} exists already (MAC ${existing.mac})`, { hint: `choose another --name, or pxectl node remove ${name} first` });
  if (reserved.includes(name)) throw new UsageError(`node ${name} is being made by a node add --create that was cut short`, { hint: "run pxectl node add --create to finish it, or choose another --name" });
  return name;
}

/** checkMac normalises a MAC and refuses one no network card has, or another node has. */
export function checkMac(input: string, nodes: Readonly<Record<string, NodeRecord>>): string {
  const mac = parseMachineMac(input);
  const owner = Object.entries(nodes).find(([, n]) => n.mac === mac)?.[0];
  if (owner) throw new UsageError(`MAC ${mac} is already node ${owner}`, { hint: `pxectl node show ${owner}` });
  return mac;
}

/** nextNames picks count free names <prefix>-1, <prefix>-2, ..., passing over reserved ones. */
export function nextNames(prefix: string, count: number, nodes: Readonly<Record<string, NodeRecord>>, reserved: readonly string[] = []): string[] {
  const names: string[] = [];
  for (let i = 1; names.length < count; i++) {
    const name = `${prefix}-${i}`;
    if (!nodes[name] && !reserved.includes(name)) names.push(name);
  }
  return names;
}

/** parseMeta turns k=v pairs into metadata; keys are template names, so they are checked. */
export function parseMeta(pairs: readonly string[] = []): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
    if (!m) throw new UsageError(`invalid --meta "${pair}"`, { hint: "use key=value, where the key is letters, digits and _ (it becomes a template variable)" });
    meta[m[1]!] = m[2]!;
  }
  return meta;
}
