// The matchbox test server's HTTP API, files and log lines, compared with matchbox's own
// texts (its handlers and tests), and its command line.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BOOT_IPXE } from "../../src/matchbox";
import type { MatchboxApi } from "../../src/matchbox/types";
import { goQuote, parseLogLevel } from "../support/matchbox";
import { parseFlags } from "../support/matchbox/flags";
import { Logger } from "../support/matchbox/logrus";
import { type TestMatchbox, startTestMatchbox } from "../support/matchbox-harness";
import { tempDir } from "../support/tempdir";

const MAC = "52:54:00:a1:9c:ae";
const TIME = String.raw`time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:Z|[+-]\d\d:\d\d)"`;

async function seed(api: MatchboxApi): Promise<void> {
  const boot = { kernel: "/assets/flatcar/vmlinuz", initrd: ["/assets/flatcar/initrd.cpio.gz"], args: ["initrd=initrd.cpio.gz", "flatcar.config.url=http://mb/ignition?uuid=${uuid}&mac=${mac:hexhyp}"] };
  await api.profilePut({ id: "install", name: "", ignition_id: "install.ign", cloud_id: "", generic_id: "", boot });
  await api.profilePut({ id: "node", name: "", ignition_id: "node.ign", cloud_id: "", generic_id: "node.env", boot: { kernel: "", initrd: [], args: [] } });
  await api.groupPut({ id: "default", name: "everyone", profile: "install", selector: {}, metadata: {} });
  await api.groupPut({ id: "node1", name: "node one", profile: "node", selector: { mac: MAC }, metadata: { meta: "data", etcd: { name: "node1" }, some: { nested: { data: "some-value" } } } });
  await api.ignitionPut("install.ign", Buffer.from('{"ignition":{"version":"3.1.0"},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["key"]}]},"systemd":{"units":[{"name":"docker.service","enabled":false}]}}'));
  await api.genericPut("node.env", Buffer.from("NAME={{.etcd.name}} MAC={{.mac}} FOO={{.request.query.foo}}\n"));
}

async function get(mb: TestMatchbox, path: string, init?: RequestInit): Promise<{ status: number; type: string | null; body: string; headers: Headers }> {
  const res = await fetch(mb.httpUrl + path, { redirect: "manual", ...init });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text(), headers: res.headers };
}

const NOT_FOUND = { status: 404, type: "text/plain; charset=utf-8", body: "404 page not found\n" };

describe("the test server's HTTP API", () => {
  it("serves /, the bootstrap script, and 404s elsewhere", async () => {
    const mb = await startTestMatchbox();
    expect(await get(mb, "/")).toMatchObject({ status: 200, type: "text/plain; charset=utf-8", body: "matchbox\n" });
    expect(await get(mb, "/boot.ipxe?ignored=1")).toMatchObject({ status: 200, body: BOOT_IPXE });
    expect(await get(mb, "/boot.ipxe.0")).toMatchObject({ status: 200, body: BOOT_IPXE });
    expect(await get(mb, "/nope")).toMatchObject(NOT_FOUND);
    expect(await get(mb, "/ipxe/")).toMatchObject(NOT_FOUND);
  });

  it("serves /ipxe, /grub, /ignition, /metadata and /generic by matchbox's selection", async () => {
    const mb = await startTestMatchbox();
    await seed(await mb.api());
    const chain = "/ipxe?uuid=&mac=52-54-00-a1-9c-ff&domain=&hostname=&serial=&arch=x86_64";
    expect(await get(mb, chain)).toMatchObject({
      status: 200,
      body: "#!ipxe\nkernel /assets/flatcar/vmlinuz initrd=initrd.cpio.gz flatcar.config.url=http://mb/ignition?uuid=${uuid}&mac=${mac:hexhyp}\ninitrd /assets/flatcar/initrd.cpio.gz\nboot\n",
    });
    expect((await get(mb, "/grub?mac=52-54-00-a1-9c-ff")).body).toMatch(/^default=0\nfallback=1\ntimeout=1\nmenuentry "CoreOS \(EFI\)" \{\necho "Loading kernel"\nlinuxefi "\/assets\/flatcar\/vmlinuz" initrd=/);
    // matchbox/http/ignition_test.go's vector: a 3.1.0 config served as 3.4.0
    expect(await get(mb, "/ignition?uuid=&mac=52-54-00-a1-9c-ff")).toMatchObject({
      status: 200,
      type: "application/json",
      body: '{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},"kernelArguments":{},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["key"]}]},"storage":{},"systemd":{"units":[{"enabled":false,"name":"docker.service"}]}}',
    });
    // matchbox/http/metadata_test.go's vector (matchbox writes the lines in random order)
    const metadata = await get(mb, "/metadata?mac=52-54-00-a1-9c-ae&foo=bar&count=3&gate=true");
    expect(metadata.type).toBe("plain/text");
    expect(metadata.body.split("\n").filter(Boolean).sort()).toEqual(
      ["META=data", "ETCD_NAME=node1", "SOME_NESTED_DATA=some-value", `MAC=${MAC}`, `REQUEST_QUERY_MAC=${MAC}`, "REQUEST_QUERY_FOO=bar", "REQUEST_QUERY_COUNT=3", "REQUEST_QUERY_GATE=true", "REQUEST_RAW_QUERY=mac=52-54-00-a1-9c-ae&foo=bar&count=3&gate=true"].sort(),
    );
    expect((await get(mb, "/generic?mac=52:54:00:A1:9C:AE&foo=x")).body).toBe(`NAME=node1 MAC=${MAC} FOO=x\n`);
    expect(await get(mb, "/ignition?mac=52-54-00-a1-9c-ae")).toMatchObject(NOT_FOUND); // node.ign was never put
    expect(await get(mb, "/generic?mac=52-54-00-a1-9c-ff")).toMatchObject(NOT_FOUND); // install has no generic config
  });

  it("logs every request as matchbox does, with its miss and match lines", async () => {
    const mb = await startTestMatchbox();
    await seed(await mb.api());
    mb.logs.length = 0;
    await get(mb, "/ipxe?uuid=&mac=52-54-00-a1-9c-ae&domain=&hostname=&serial=&arch=x86_64");
    await get(mb, "/ignition?mac=52-54-00-a1-9c-ae");
    await get(mb, "/ipxe?mac=zz-54-00-a1-9c-ae");
    await get(mb, "/assets/none");
    const lines = [
      `${TIME} level=info msg="HTTP GET /ipxe\\?uuid=&mac=52-54-00-a1-9c-ae&domain=&hostname=&serial=&arch=x86_64"`,
      `${TIME} level=debug msg="Matched an iPXE config" labels="map\\[arch:x86_64 domain: hostname: mac:52:54:00:a1:9c:ae serial: uuid:\\]" profile=node`,
      `${TIME} level=info msg="HTTP GET /ignition\\?mac=52-54-00-a1-9c-ae"`,
      `${TIME} level=info msg="No Ignition or Container Linux Config template named: node.ign" group=node1 group_name="node one" labels="map\\[mac:52:54:00:a1:9c:ae\\]" profile=node`,
      `${TIME} level=info msg="HTTP GET /ipxe\\?mac=zz-54-00-a1-9c-ae"`,
      `${TIME} level=warning msg="ignoring unparseable MAC address: address zz-54-00-a1-9c-ae: invalid MAC address" mac=zz-54-00-a1-9c-ae`,
      `${TIME} level=debug msg="Matched an iPXE config" labels="map\\[\\]" profile=install`,
      `${TIME} level=info msg="HTTP GET /assets/none"`,
    ];
    expect(mb.logs).toHaveLength(lines.length);
    mb.logs.forEach((line, i) => expect(line).toMatch(new RegExp(`^${lines[i]}$`)));
  });

  it("serves assets like Go's http.FileServer", async () => {
    const mb = await startTestMatchbox();
    mkdirSync(join(mb.assetsPath, "flatcar"));
    writeFileSync(join(mb.assetsPath, "flatcar/vmlinuz"), "0123456789");
    expect(await get(mb, "/assets/flatcar/vmlinuz")).toMatchObject({ status: 200, body: "0123456789" });
    const range = await get(mb, "/assets/flatcar/vmlinuz", { headers: { Range: "bytes=2-4" } });
    expect(range).toMatchObject({ status: 206, body: "234" });
    expect(range.headers.get("content-range")).toBe("bytes 2-4/10");
    expect(await get(mb, "/assets/flatcar/")).toMatchObject({ status: 200, type: "text/html; charset=utf-8", body: '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n<a href="vmlinuz">vmlinuz</a>\n</pre>\n' });
    expect((await get(mb, "/assets/flatcar")).headers.get("location")).toBe("flatcar/");
    expect(await get(mb, "/assets/flatcar/nope")).toMatchObject(NOT_FOUND);
  });
});

describe("the test server's file store", () => {
  it("reads files written by hand: no id needed to match, a bad file skipped and logged", async () => {
    const mb = await startTestMatchbox();
    const api = await mb.api();
    await seed(api);
    // docs/matchbox.md's example group has no "id"; the file name is what lists use
    writeFileSync(join(mb.dataPath, "groups/by-hand.json"), JSON.stringify({ name: "by hand", profile: "node", selector: { os: "installed", MAC: "52-54-00-A1-9C-AE" } }));
    writeFileSync(join(mb.dataPath, "groups/broken.json"), "{ not json");
    const groups = await api.groupList();
    expect(groups.map((g) => g.id)).toEqual(["", "default", "node1"]);
    expect(groups[0]!.selector).toEqual({ MAC: MAC, os: "installed" });
    expect(mb.logs.some((l) => /level=info msg="Group \\"broken\\": .+"$/.test(l))).toBe(true);
    expect((await get(mb, "/ipxe?os=installed&MAC=52:54:00:a1:9c:ae")).body).toBe("#!ipxe\nkernel \nboot\n");
  });
});

describe("logrus text lines", () => {
  it("quotes like Go's %q only when needed, fields sorted", () => {
    const lines: string[] = [];
    const log = new Logger((l) => lines.push(l), "info", () => new Date("2024-03-23T10:00:00Z"));
    log.info("plain", { b: "x/y@z^1+2", a: "needs quoting", c: "" });
    log.debug("hidden");
    log.warning('a "quote"\n', { m: { k: "v", a: "b" } });
    expect(lines[0]).toMatch(/^time="2024-03-23T\d\d:00:00(Z|[+-]\d\d:\d\d)" level=info msg=plain a="needs quoting" b=x\/y@z\^1\+2 c=$/);
    expect(lines[1]).toMatch(/ level=warning msg="a \\"quote\\"\\n" m="map\[a:b k:v\]"$/);
    expect(lines).toHaveLength(2);
    expect(goQuote("tab\there é \u0001")).toBe('"tab\\there é \\x01"');
  });

  it("accepts logrus's level names only", () => {
    expect(parseLogLevel("WARN")).toBe("warning");
    expect(() => parseLogLevel("critical")).toThrow('invalid log-level: not a valid logrus Level: "critical"');
  });
});

describe("the test server's command line", () => {
  it("reads Go-style flags, then MATCHBOX_* variables for flags not given", () => {
    const flags = parseFlags(["-address=0.0.0.0:8080", "--data-path", "/d", "-version"], { MATCHBOX_ADDRESS: "ignored:1", MATCHBOX_RPC_ADDRESS: "0.0.0.0:8081", MATCHBOX_LOG_LEVEL: "debug" });
    expect(flags).toMatchObject({ address: "0.0.0.0:8080", "data-path": "/d", version: true, "rpc-address": "0.0.0.0:8081", "log-level": "debug", "assets-path": "/var/lib/matchbox/assets" });
    expect(() => parseFlags(["-nope"], {})).toThrow("flag provided but not defined: -nope");
    expect(() => parseFlags(["-address"], {})).toThrow("flag needs an argument: -address");
  });

  const MAIN = fileURLToPath(new URL("../support/matchbox/main.ts", import.meta.url));

  it("starts by hand, prints where it listens, logs to stderr, stops on SIGTERM", async () => {
    const mb = await startTestMatchbox(); // for its certificates
    const data = tempDir();
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, "-address", "127.0.0.1:0", "-rpc-address", "127.0.0.1:0", "-data-path", data, "-assets-path", "", "-cert-file", mb.pki.server.cert, "-key-file", mb.pki.server.key, "-ca-file", mb.pki.ca.cert], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        if (stdout.includes("export")) resolve();
      });
      child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    const [, http, rpc] = /^matchbox test server: HTTP (http:\/\/127\.0\.0\.1:\d+), gRPC (127\.0\.0\.1:\d+)\nexport PXECTL_MATCHBOX_ENDPOINT=\2\n$/.exec(stdout)!;
    expect(await (await fetch(`${http}/boot.ipxe`)).text()).toBe(BOOT_IPXE);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toMatch(new RegExp(`^${TIME} level=info msg="Starting matchbox gRPC server on ${rpc}"\n`));
    expect(stderr).toMatch(new RegExp(`\n${TIME} level=info msg="HTTP GET /boot.ipxe"\n$`));
  });

  it("refuses a missing data directory as matchbox does: a fatal line, exit 1", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, "-data-path", "/nonexistent/pxectl"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(1);
    expect(stderr).toMatch(new RegExp(`^${TIME} level=fatal msg="A valid -data-path is required"\n$`));
  });
});
