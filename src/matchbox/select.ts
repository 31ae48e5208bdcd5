// Group selection, exactly as matchbox decides it (storagepb.Group.Matches, ByReqs and
// server.SelectGroup): a group matches when each selector pair equals the label of the same
// key (a missing label counts as ""); among matches, the one with the most selector pairs
// wins, and a tie goes to the greater "k1=v1,k2=v2" string (sorted pairs), because matchbox
// sorts with sort.Reverse. A group without a selector matches everything: the default.
import { parseGoMac } from "./labels";
import type { Group, Labels } from "./types";

/** selectorString is matchbox's selectorString(): the sorted "k=v" pairs joined with ",". */
export function selectorString(selector: Readonly<Record<string, string>>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .sort(byteCompare)
    .join(",");
}

/** describeSelector shows a selector as k=v pairs, or says the group is the default one. */
export function describeSelector(selector: Readonly<Record<string, string>>): string {
  return selectorString(selector) || "(none: the default group)";
}

/** byteCompare orders strings as Go does: by their UTF-8 bytes. */
function byteCompare(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** groupMatches is Group.Matches: every selector pair equals its label; extra labels do not matter. */
export function groupMatches(group: Pick<Group, "selector">, labels: Labels): boolean {
  return Object.entries(group.selector).every(([k, v]) => (Object.hasOwn(labels, k) ? labels[k] : "") === v);
}

/** sortGroups returns the groups in the order matchbox tries them: most selectors first, ties by descending selector string. */
export function sortGroups<G extends Pick<Group, "selector">>(groups: readonly G[]): G[] {
  const keyed = groups.map((g) => ({ g, n: Object.keys(g.selector).length, s: selectorString(g.selector) }));
  keyed.sort((a, b) => b.n - a.n || byteCompare(b.s, a.s));
  return keyed.map((k) => k.g);
}

/** selectGroup returns the group matchbox would select for labels, or undefined (matchbox: "No matching Group"). */
export function selectGroup<G extends Pick<Group, "selector">>(groups: readonly G[], labels: Labels): G | undefined {
  return sortGroups(groups).find((g) => groupMatches(g, labels));
}

/** normalizeSelector is Group.Normalize: a "mac" selector (key in any case) becomes Go's ParseMAC form; undefined if it does not parse. */
export function normalizeSelector(selector: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(selector)) {
    if (k.toLowerCase() !== "mac") out[k] = v;
    else {
      const mac = parseGoMac(v);
      if (mac === undefined) return undefined;
      out[k] = mac;
    }
  }
  return out;
}
