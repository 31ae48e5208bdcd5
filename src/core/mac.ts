// MAC addresses in every common spelling, normalised the way matchbox does (Go's
// net.ParseMAC + String()): lower-case hex, colon-separated, 6 octets.
import { UsageError } from "./errors";

const HEX = "[0-9A-Fa-f]";
const SEPARATED = new RegExp(`^${HEX}{1,2}([:-])(?:${HEX}{1,2}\\1){4}${HEX}{1,2}$`);
const DOTTED = new RegExp(`^${HEX}{4}\\.${HEX}{4}\\.${HEX}{4}$`);
const BARE = new RegExp(`^${HEX}{12}$`);

/** normalizeMac returns "52:54:00:a1:9c:ae" for any common spelling, or undefined. */
export function normalizeMac(input: string): string | undefined {
  const s = input.trim();
  let octets: string[];
  if (SEPARATED.test(s)) octets = s.split(/[:-]/).map((o) => o.padStart(2, "0"));
  else if (DOTTED.test(s) || BARE.test(s)) octets = s.replace(/\./g, "").match(/../g) ?? [];
  else return undefined;
  return octets.join(":").toLowerCase();
}

/** parseMac normalises a user-given MAC or throws a UsageError that shows the accepted forms. */
export function parseMac(input: string, what = "MAC address"): string {
  const mac = normalizeMac(input);
  if (!mac) {
    throw new UsageError(`invalid ${what} "${input}"`, {
      hint: "use 6 hex octets, such as 52:54:00:a1:9c:ae, 52-54-00-A1-9C-AE, 5254.00a1.9cae or 525400a19cae",
    });
  }
  return mac;
}

/** parseMachineMac is parseMac for a machine's own address: broadcast, multicast and all-zero addresses, which no network card has, are refused. */
export function parseMachineMac(input: string, what = "MAC address"): string {
  const mac = parseMac(input, what);
  // the first octet's low bit marks a group (multicast, broadcast) address; all zeros is "no address"
  if (parseInt(mac.slice(0, 2), 16) & 1 || mac === "00:00:00:00:00:00") {
    const kind = mac === "ff:ff:ff:ff:ff:ff" ? "the broadcast address" : mac.startsWith("00") ? "the all-zero address" : "a multicast address";
    throw new UsageError(`MAC ${mac} is ${kind}, which no network card has`, { hint: "copy the MAC from the machine's network card (ip link, or its boot screen)" });
  }
  return mac;
}

/** hexhyp writes a MAC as iPXE's ${mac:hexhyp} does: 52-54-00-a1-9c-ae. */
export function hexhyp(mac: string): string {
  return mac.replace(/:/g, "-");
}
