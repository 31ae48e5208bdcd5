// What a machine receives from matchbox when it network-boots, worked out offline with
// matchbox's own rules: iPXE fetches /boot.ipxe, which chains to /ipxe with the machine's
// settings (uuid, mac as hexhyp, ...); the selected profile's kernel arguments name the
// config URL (flatcar.config.url=.../ignition?uuid=${uuid}&mac=${mac:hexhyp}), which iPXE
// expands and the kernel fetches. Each step selects a group from the labels of its URL.
import { serveIgnition } from "./ignition-v34";
import { BOOT_IPXE, renderGrub, renderIpxe } from "./ipxe";
import { labelsFromQuery, parseGoQuery } from "./labels";
import { selectGroup } from "./select";
import type { Group, Labels, Profile } from "./types";

/** MatchboxContent is what a matchbox holds, as far as serving a machine goes. */
export interface MatchboxContent {
  groups: readonly Group[];
  profile(id: string): Profile | undefined;
  /** The raw Ignition config stored under name. */
  ignition(name: string): string | undefined;
}

/** Exchange is one request a machine makes and what matchbox answers. */
export interface Exchange {
  /** The URL as sent, path and query (with the host when the profile names one). */
  url: string;
  labels: Labels;
  status: 200 | 404;
  body: string;
  group?: string;
  profile?: string;
  config?: string;
  /** Why the answer is a 404, or where the URL came from. */
  note?: string;
}

/** BootOptions describe the machine: its MAC, and iPXE settings or extra labels. */
export interface BootOptions {
  mac: string;
  /** uuid, hostname, serial, domain, buildarch ... are iPXE settings; other keys are sent as extra labels. */
  query?: Readonly<Record<string, string>>;
}

/** The iPXE settings /boot.ipxe puts in its chain URL, besides the MAC. */
const IPXE_SETTINGS = new Set(["uuid", "hostname", "domain", "serial", "buildarch"]);

const CONFIG_URL_ARG = /^(?:flatcar|coreos|ignition)\.config\.url=(.+)$/;

/** expandIpxe expands ${name} and ${name:type} as iPXE does; unset settings are empty. */
export function expandIpxe(text: string, settings: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([^}:]+)(?::([^}]+))?\}/g, (_m, rawName: string, type: string | undefined) => {
    const name = rawName.replace(/^net\d+\//, "");
    const value = settings[name] ?? "";
    if (type === "hexhyp") return value.replace(/:/g, "-");
    if (type === "uristring") return encodeURIComponent(value);
    return value;
  });
}

function withExtras(url: string, extras: Readonly<Record<string, string>>): string {
  const q = url.indexOf("?");
  const present = new Set(parseGoQuery(q < 0 ? "" : url.slice(q + 1)).keys());
  const more = Object.entries(extras).filter(([k]) => !present.has(k)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (more.length === 0) return url;
  return `${url}${q < 0 ? "?" : url.endsWith("?") || url.endsWith("&") ? "" : "&"}${more.join("&")}`;
}

function queryOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? "" : url.slice(q + 1);
}

function select(content: MatchboxContent, url: string): { labels: Labels; group?: Group; profile?: Profile } {
  const labels = labelsFromQuery(queryOf(url)).labels;
  const group = selectGroup(content.groups, labels);
  return { labels, group, profile: group && content.profile(group.profile) };
}

/** simulateBoot returns the /ipxe and /ignition exchanges of a machine booting from matchbox. */
export function simulateBoot(content: MatchboxContent, o: BootOptions): { ipxe: Exchange; ignition: Exchange } {
  const settings: Record<string, string> = { uuid: "", hostname: "", domain: "", serial: "", buildarch: "x86_64", ...o.query, mac: o.mac };
  const extras = Object.fromEntries(Object.entries(o.query ?? {}).filter(([k]) => !IPXE_SETTINGS.has(k)));
  const chain = /^chain (\S+)$/m.exec(BOOT_IPXE)![1]!;
  const ipxeUrl = withExtras("/" + expandIpxe(chain, settings), extras);
  const first = select(content, ipxeUrl);
  const ipxe: Exchange = { url: ipxeUrl, labels: first.labels, status: 404, body: "404 page not found\n", group: first.group?.id, profile: first.profile?.id };
  if (!first.group) ipxe.note = "no group matches these labels";
  else if (!first.profile) ipxe.note = `group "${first.group.id}" names profile "${first.group.profile}", which does not exist`;
  else Object.assign(ipxe, { status: 200, body: renderIpxe(first.profile.boot) });

  const configArg = first.profile?.boot.args.map((a) => CONFIG_URL_ARG.exec(a)?.[1]).find((u) => u !== undefined);
  const fromArg = configArg !== undefined && /\/ignition(?:\?|$)/.test(configArg);
  const ignitionUrl = withExtras(fromArg ? expandIpxe(configArg, settings) : `/ignition?mac=${o.mac}`, extras);
  const second = select(content, ignitionUrl);
  const ignition: Exchange = { url: ignitionUrl, labels: second.labels, status: 404, body: "404 page not found\n", group: second.group?.id, profile: second.profile?.id };
  if (!fromArg) ignition.note = `${first.profile ? `profile "${first.profile.id}" names no config URL on /ignition in its kernel args` : "no profile was served"}; shown as fetched with the MAC`;
  if (!second.group) ignition.note = "no group matches these labels";
  else if (!second.profile) ignition.note = `group "${second.group.id}" names profile "${second.group.profile}", which does not exist`;
  else {
    const name = second.profile.ignition_id;
    const text = name ? content.ignition(name) : undefined;
    ignition.config = name || undefined;
    if (text === undefined) ignition.note = name ? `profile "${second.profile.id}" names Ignition config "${name}", which does not exist` : `profile "${second.profile.id}" has no Ignition config`;
    else Object.assign(ignition, { status: 200, body: serveIgnition(text).body });
  }
  return { ipxe, ignition };
}

/** simulateGrub returns the /grub exchange of a machine with this MAC: matchbox's GRUB config for its profile. */
export function simulateGrub(content: MatchboxContent, mac: string): { exchange: Exchange; boot?: Profile["boot"] } {
  const url = `/grub?mac=${mac}`;
  const { labels, group, profile } = select(content, url);
  const exchange: Exchange = { url, labels, status: 404, body: "404 page not found\n", group: group?.id, profile: profile?.id };
  if (!group) exchange.note = "no group matches these labels";
  else if (!profile) exchange.note = `group "${group.id}" names profile "${group.profile}", which does not exist`;
  else Object.assign(exchange, { status: 200, body: renderGrub(profile.boot) });
  return { exchange, boot: profile?.boot };
}
