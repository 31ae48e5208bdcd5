// MAC addresses in bad spellings, and MACs that no machine can have.
import type { BadInput } from "./types";

const SPELLINGS = [
  "",
  "52:54:00:a1:9c",
  "52:54:00:a1:9c:ae:ff",
  "52:54:00:a1:9c:zz",
  "52-54-00:a1:9c:ae",
  "5254.00a1.9ca",
  "525400a19cae0",
  "52::54:00:a1:9c",
  "0x525400a19cae",
  "52 54 00 a1 9c ae",
  "52_54_00_a1_9c_ae",
  "525:4:00:a1:9c:ae",
  "g2:54:00:a1:9c:ae",
  "52:54:00:a1:9c:ae:",
  "52.54.00.a1.9c.ae",
  "52:54:00:a1:9c:ae/24",
];

/** Addresses that parse, but that no network card has: broadcast, multicast, all zeros. */
const NOT_A_MACHINE = ["ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:fb", "00:00:00:00:00:00"];

export const macCases: BadInput[] = [
  ...SPELLINGS.map((mac, i): BadInput => ({ name: `mac: node add ${JSON.stringify(mac)}`, argv: ["node", "add", "--mac", mac], exitCode: 2, says: "MAC", spawn: i === 0 })),
  ...SPELLINGS.slice(1, 6).map((mac): BadInput => ({ name: `mac: profile render ${JSON.stringify(mac)}`, argv: ["profile", "render", "--mac", mac], exitCode: 2, says: /mac/i })),
  ...NOT_A_MACHINE.map((mac): BadInput => ({ name: `mac: node add ${mac}`, argv: ["node", "add", "--mac", mac], exitCode: 2, says: mac })),
  // profile render and lab boot share node add's check: no machine boots with these
  ...NOT_A_MACHINE.map((mac): BadInput => ({ name: `mac: profile render ${mac}`, argv: ["profile", "render", "--mac", mac], exitCode: 2, says: "which no network card has" })),
  { name: "mac: lab boot ff:ff:ff:ff:ff:ff", argv: ["lab", "boot", "ff:ff:ff:ff:ff:ff"], exitCode: 2, says: "the broadcast address" },
  { name: "mac: already another node's, spelled otherwise", argv: ["node", "add", "--mac", "52-54-00-00-00-01"], exitCode: 2, says: "already node node-1" },
  { name: "mac: a group selector with a bad MAC", argv: ["profile", "plan", "--offline"], files: { "profiles/extra.yaml": "kind: group\nid: bad\nprofile: flatcar\nselector:\n  os: installed\n  mac: 52:54:00:zz:00:01\n" }, exitCode: 3, says: "mac" },
];
