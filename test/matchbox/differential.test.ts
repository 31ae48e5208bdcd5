// The differential suite: generated sequences of gRPC calls and HTTP requests sent to the real
// matchbox v0.11.0 and to the project's test server, answer by answer the same as pxectl sees
// them. Differences the test server keeps on purpose are listed in
// test/support/matchbox/README.md; every other difference fails here with the sequence.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeResource } from "../../src/ignition/dataurl";
import { type Answer, type Op, type Side, reset, run, startBoth } from "../support/differential";
import { realMatchboxBinary, skipWithoutRealMatchbox } from "../support/real-matchbox";
import { testPki } from "../support/tls";

const skip = skipWithoutRealMatchbox("differential suite (test/matchbox/differential.test.ts)");

// small pools, so that generated operations meet: puts, gets and selections of the same names
const IDS = ["a", "b", "node-1", "x.y"];
const IGNITION_NAMES = ["a.ign", "b.ignition", "c.yaml", "d"];
const GENERIC_NAMES = ["g.env", "h"];
const MACS = ["52:54:00:aa:bb:01", "52-54-00-AA-BB-01", "5254.00aa.bb01", "52:54:00:aa:bb:02", "zz:54:00:aa:bb:02", "52:54:00:aa:bb"];
const LABEL_KEYS = ["mac", "MAC", "os", "uuid", "role"];
const VALUES = ["installed", "", "x", "1", "web"];

const scalar = fc.oneof(fc.constantFrom(...VALUES), fc.integer({ min: -5, max: 3_000_000 }), fc.constantFrom(1.5, 0.1, 1e21, 100000000), fc.boolean(), fc.constant(null));
const metaValue: fc.Arbitrary<unknown> = fc.oneof(scalar, fc.array(fc.constantFrom("a", "b"), { maxLength: 2 }), fc.dictionary(fc.constantFrom("name", "x"), scalar, { maxKeys: 2 }));
const metadata = fc.dictionary(fc.constantFrom("meta", "etcd", "ssh", "count", "request", "mac", "os"), metaValue, { maxKeys: 3 });
const selector = fc.dictionary(fc.constantFrom("mac", "os", "role", "Os"), fc.oneof(fc.constantFrom(...VALUES.slice(0, 3)), fc.constantFrom(...MACS)), { maxKeys: 2 });
const labels = fc.dictionary(fc.constantFrom(...LABEL_KEYS), fc.oneof(fc.constantFrom(...VALUES), fc.constantFrom(...MACS)), { maxKeys: 3 });

const group = fc.record({ id: fc.constantFrom(...IDS, ""), name: fc.constantFrom("", "Group one"), profile: fc.constantFrom(...IDS, "missing", ""), selector, metadata: fc.oneof(metadata.map((m) => Buffer.from(JSON.stringify(m))), fc.constant(Buffer.alloc(0)), fc.constantFrom(Buffer.from("[1]"), Buffer.from("\"s\""), Buffer.from("3"), Buffer.from("null"), Buffer.from("{"), Buffer.from("nope"))) });
const boot = fc.option(fc.record({ kernel: fc.constantFrom("", "/assets/kernel", "http://x/k"), initrd: fc.array(fc.constantFrom("/assets/initrd", "--name main /assets/i.img"), { maxLength: 2 }), args: fc.array(fc.constantFrom("a=b", "c", "flatcar.config.url=http://mb/ignition?mac=${mac:hexhyp}", 'q="x y"'), { maxLength: 3 }) }), { nil: null });
const profile = fc.record({ id: fc.constantFrom(...IDS, ""), name: fc.constantFrom("", "Profile"), ignition_id: fc.constantFrom(...IGNITION_NAMES, "", "missing.ign"), cloud_id: fc.constantFrom("", "c"), generic_id: fc.constantFrom(...GENERIC_NAMES, "", "missing"), boot });

// Ignition and Butane texts: valid raw configs of every 3.x spec, unparseable ones, and Go-templated Butane
const rawIgnition = fc.oneof(
  fc.constantFrom("3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0").map((v) => `{"ignition":{"version":"${v}"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["ssh-ed25519 AAAA a&b"]}]},"systemd":{"units":[{"name":"x.service","enabled":true,"contents":"[Unit]\\nDescription=<x> &"}]}}`),
  fc.constantFrom('{"ignition":{"version":"9.9.9"}}', "not json", "", '{"ignition":{"version":"3.4.0"},"unknown":1,"storage":{"files":[{"path":"/etc/x","contents":{"source":"data:,hi"},"mode":420}]}}', '{"ignition":{"version":"3.5.0"}}', '{"ignition":{"version":"2.3.0"}}'),
);
const butane = fc.oneof(
  fc.tuple(fc.constantFrom("flatcar 1.0.0", "flatcar 1.1.0", "fcos 1.5.0", "flatcar 9.9.9"), fc.constantFrom("{{.mac}}", "{{.os}}", "{{.request.query.os}}", "{{.request.raw_query}}", "{{.meta}}", "{{.count}}", "plain", "{{.missing}}", "{{ .etcd.name }}")).map(
    ([variant, value]) => {
      const [name, version] = variant.split(" ");
      return `variant: ${name}\nversion: ${version}\nstorage:\n  files:\n    - path: /etc/pxectl-node\n      mode: 0644\n      contents:\n        inline: "${value}"\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys: ["ssh-ed25519 AAAA"]\n`;
    },
  ),
  fc.constantFrom("variant: flatcar\nversion: 1.1.0\nstorage: [1]\n", "not: butane\n", "{{.broken", "variant: flatcar\nversion: 1.1.0\nsystemd:\n  units:\n    - name: a.service\n      enabled: true\n"),
);
const generic = fc.constantFrom("plain text\n", "MAC={{.mac}} OS={{.request.query.os}}\n", "{{.meta}}|{{.count}}", "{{.missing}}", "{{ .etcd.name }}", '{"k":"{{.os}}"}', "{{.request.query}}");

function query(l: Record<string, string>): string {
  return Object.entries(l).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
}

const HTTP_PATHS = ["/", "/boot.ipxe", "/boot.ipxe.0", "/ipxe", "/grub", "/ignition", "/metadata", "/generic", "/nope", "/ipxe/"];
const ASSET_PATHS = ["/assets/", "/assets/flatcar/", "/assets/flatcar", "/assets/flatcar/vmlinuz", "/assets/readme.txt", "/assets/missing", "/assets/flatcar/vmlinuz/", "/assets/sub/index.html", "/assets/sub/", "/assets/data.json"];

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: group.map((g): Op => ({ kind: "rpc", service: "Groups", method: "GroupPut", request: { group: g } })) },
  { weight: 3, arbitrary: profile.map((p): Op => ({ kind: "rpc", service: "Profiles", method: "ProfilePut", request: { profile: p } })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...IGNITION_NAMES), fc.oneof(rawIgnition, butane)).map(([name, text]): Op => ({ kind: "rpc", service: "Ignition", method: "IgnitionPut", request: { name, config: Buffer.from(text) } })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...GENERIC_NAMES), generic).map(([name, text]): Op => ({ kind: "rpc", service: "Generic", method: "GenericPut", request: { name, config: Buffer.from(text) } })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom("Groups/GroupGet", "Groups/GroupDelete", "Profiles/ProfileGet", "Profiles/ProfileDelete"), fc.constantFrom(...IDS, "", "../x", "missing")).map(([call, id]): Op => {
      const [service, method] = call.split("/") as [Op extends { service: infer S } ? S : never, string];
      return { kind: "rpc", service, method, request: { id } };
    }),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom("Ignition/IgnitionGet", "Ignition/IgnitionDelete", "Generic/GenericGet", "Generic/GenericDelete"), fc.constantFrom(...IGNITION_NAMES, ...GENERIC_NAMES, "missing")).map(([call, name]): Op => {
      const [service, method] = call.split("/") as ["Ignition" | "Generic", string];
      return { kind: "rpc", service, method, request: { name } };
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<Op>({ kind: "rpc", service: "Groups", method: "GroupList", request: {} }, { kind: "rpc", service: "Profiles", method: "ProfileList", request: {} }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("SelectGroup", "SelectProfile"), labels).map(([method, l]): Op => ({ kind: "rpc", service: "Select", method, request: { labels: l } })) },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...HTTP_PATHS), labels).map(([path, l]): Op => ({ kind: "http", target: Object.keys(l).length ? `${path}?${query(l)}` : path })) },
  { weight: 1, arbitrary: fc.constantFrom(...ASSET_PATHS).map((target): Op => ({ kind: "http", target })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("groups", "profiles"), fc.constantFrom(...IDS), fc.constantFrom("{", '{"id":"other","profile":"a","selector":{"mac":"bad"}}', '{"profile":"a"}', '{"id":"a","boot":null}')).map(([dir, id, content]): Op => ({ kind: "file", path: `${dir}/${id}.json`, content })) },
);

/**
 * decodedResources replaces each data: URL with the contents it stands for: Go's gzip and
 * zlib write different bytes (and sizes, so near Butane's threshold one side compresses and
 * the other does not); what a machine gets from either is the same (README.md).
 */
function decodedResources(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodedResources);
  if (!value || typeof value !== "object") return value;
  const o = { ...(value as Record<string, unknown>) };
  if (typeof o.source === "string" && o.source.startsWith("data:")) {
    const contents = decodeResource(o.source, o.compression as string | undefined);
    o.source = typeof contents === "string" ? `bad: ${contents}` : `contents: ${contents.toString("utf8")}`;
    delete o.compression;
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decodedResources(v)]));
}

const LISTING_HEAD = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n';

/**
 * comparable drops what the two cannot share: /metadata's line order is Go's random map
 * order, and the head of directory listings depends on the Go release (README.md).
 */
function comparable(a: Answer): Answer {
  if (!("http" in a) || a.status !== 200) return a;
  if (a.http.startsWith("/ignition")) return { ...a, body: JSON.stringify(decodedResources(JSON.parse(a.body))) };
  if (a.http.startsWith("/metadata")) return { ...a, body: a.body.split("\n").sort().join("\n") };
  if (a.http.startsWith("/assets/") && a.body.startsWith(LISTING_HEAD)) return { ...a, body: a.body.slice(LISTING_HEAD.length) };
  return a;
}

let sides: [Side, Side];
let root: string;

beforeAll(async () => {
  if (skip) return;
  root = mkdtempSync(join(tmpdir(), "pxectl-differential-"));
  const assets = join(root, "assets");
  mkdirSync(join(assets, "flatcar"), { recursive: true });
  mkdirSync(join(assets, "sub"), { recursive: true });
  writeFileSync(join(assets, "flatcar/vmlinuz"), Buffer.from([0x4d, 0x5a, 0, 1, 2, 3, 0xff]));
  writeFileSync(join(assets, "readme.txt"), "hello & <world>\n");
  writeFileSync(join(assets, "data.json"), '{"a":1}');
  writeFileSync(join(assets, "sub/index.html"), "<p>index</p>\n");
  const when = new Date("2024-03-23T10:00:00Z");
  for (const f of ["flatcar/vmlinuz", "readme.txt", "data.json", "sub/index.html"]) utimesSync(join(assets, f), when, when);
  sides = await startBoth({ binary: realMatchboxBinary()!, pki: await testPki(), root, assets });
});

afterAll(async () => {
  if (skip) return;
  await Promise.all(sides.map((s) => s.stop()));
  rmSync(root, { recursive: true, force: true });
});

/** World is a whole data folder put through gRPC: every profile and config name filled, then requests. */
const world = fc.record({
  profiles: fc.tuple(...IDS.map((id) => profile.map((p) => ({ ...p, id })))),
  groups: fc.array(group.map((g) => ({ ...g, id: g.id || "a", profile: g.profile || "a" })), { minLength: 1, maxLength: 5 }),
  ignition: fc.tuple(...IGNITION_NAMES.map((name) => (/\.ign(ition)?$/.test(name) ? rawIgnition : butane).map((text) => ({ name, text })))),
  generic: fc.tuple(...GENERIC_NAMES.map((name) => generic.map((text) => ({ name, text })))),
  requests: fc.array(fc.tuple(fc.constantFrom("/ipxe", "/grub", "/ignition", "/metadata", "/generic"), labels), { minLength: 5, maxLength: 20 }),
});

function worldOps(w: typeof world extends fc.Arbitrary<infer T> ? T : never): Op[] {
  return [
    ...w.profiles.map((p): Op => ({ kind: "rpc", service: "Profiles", method: "ProfilePut", request: { profile: p } })),
    ...w.groups.map((g): Op => ({ kind: "rpc", service: "Groups", method: "GroupPut", request: { group: g } })),
    ...w.ignition.map(({ name, text }): Op => ({ kind: "rpc", service: "Ignition", method: "IgnitionPut", request: { name, config: Buffer.from(text) } })),
    ...w.generic.map(({ name, text }): Op => ({ kind: "rpc", service: "Generic", method: "GenericPut", request: { name, config: Buffer.from(text) } })),
    { kind: "rpc", service: "Groups", method: "GroupList", request: {} },
    ...w.requests.map(([path, l]): Op => ({ kind: "http", target: Object.keys(l).length ? `${path}?${query(l)}` : path })),
    ...w.requests.map(([, l]): Op => ({ kind: "rpc", service: "Select", method: "SelectProfile", request: { labels: l } })),
  ];
}

/** Tally counts answers by request and status, to show what the generated cases reached. */
class Tally {
  readonly counts = new Map<string, number>();
  add(a: Answer): void {
    const key = "http" in a ? `${a.http.split("?")[0]} ${a.status}` : "rpc" in a ? `${a.rpc} ${a.code}` : "file";
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  toString(): string {
    return [...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}: ${n}`).join(", ");
  }
}

async function compare(ops: readonly Op[], tally: Tally): Promise<void> {
  for (const s of sides) reset(s);
  for (const o of ops) {
    const [real, test] = await Promise.all(sides.map((s) => run(s, o)));
    tally.add(real!);
    expect(comparable(test!), JSON.stringify(o)).toEqual(comparable(real!));
  }
}

const RUNS = Number(process.env.PXECTL_DIFFERENTIAL_RUNS ?? 300);

describe.skipIf(skip)("the test server answers as the real matchbox v0.11.0 does", () => {
  it("for generated sequences of gRPC calls and HTTP requests", async () => {
    let cases = 0;
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 60, size: "large" }), async (ops) => {
        cases++;
        await compare(ops, tally);
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`differential (sequences): ${cases} generated cases, ${[...tally.counts.values()].reduce((a, b) => a + b, 0)} operations each sent to both servers\n  ${tally.toString()}\n`);
  }, 600_000);

  it("for generated data folders (groups, profiles, Ignition, Butane, generic) and the requests of booting machines", async () => {
    let cases = 0;
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        cases++;
        await compare(worldOps(w), tally);
      }),
      { numRuns: RUNS },
    );
    process.stdout.write(`differential (data folders): ${cases} generated cases, ${[...tally.counts.values()].reduce((a, b) => a + b, 0)} operations each sent to both servers\n  ${tally.toString()}\n`);
  }, 600_000);
});
