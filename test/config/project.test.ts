import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors";
import { parseProjectConfig } from "../../src/config/project";
import { runCli, spawnCli } from "../support/cli";
import { tempDir } from "../support/tempdir";

function problemsOf(text: string): string[] {
  try {
    parseProjectConfig(text, "pxectl.yaml");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.line}:${p.column} ${p.path ?? ""} ${p.message}`);
    throw e;
  }
  return [];
}

describe("pxectl.yaml", () => {
  it("fills in defaults from the schema", () => {
    const c = parseProjectConfig("name: demo\n", "pxectl.yaml");
    expect(c.provider).toBe("sakuracloud");
    expect(c.network).toEqual({ address: "192.168.0.1/24", dhcp: "full", dhcp_range: { start: "192.168.0.101", end: "192.168.0.200" }, lease_time: "12h", forward: true });
    expect(c.matchbox).toEqual({ version: "v0.11.0", http_port: 8080, grpc_port: 8081 });
    expect(c.sakuracloud.host).toMatchObject({ core: 2, memory_gb: 4, disk_gb: 40, disk_plan: "ssd", archive: "ubuntu-24.04" });
    expect(c.assets.flatcar).toEqual({ channel: "stable", version: "current" });
  });

  it("accepts Debian 12 as the host's archive, and nothing it cannot install", () => {
    expect(parseProjectConfig("name: demo\nsakuracloud:\n  host:\n    archive: debian-12\n", "pxectl.yaml").sakuracloud.host.archive).toBe("debian-12");
    expect(() => parseProjectConfig("name: demo\nsakuracloud:\n  host:\n    archive: centos-7\n", "pxectl.yaml")).toThrow(/sakuracloud\.host\.archive/);
  });

  it.each([
    ["an unknown key, with the key it was meant to be", "name: demo\nsakuracloud:\n  zoen: is1a\n", ['3:3 sakuracloud.zoen unknown key "zoen"; did you mean "zone"?']],
    ["an unknown top-level key, listing the allowed ones when nothing is close", "name: demo\nwidgets: 3\n", ['2:1 widgets unknown key "widgets"; expected one of: name, provider, sakuracloud, host, network, matchbox, assets, profiles, variables, nodes, tls']],
    ["a wrong type", "name: demo\nmatchbox:\n  http_port: eighty\n", ['3:14 matchbox.http_port must be an integer (got "eighty")']],
    ["a value outside an enum, with a guess", "name: demo\nnetwork:\n  dhcp: ful\n", ['3:9 network.dhcp must be one of full, proxy (got "ful"); did you mean "full"?']],
    ["a pattern mismatch, saying what is expected", "name: demo\nnetwork:\n  address: 192.168.0.1\n", ['3:12 network.address invalid value "192.168.0.1": expected the host\'s address on the switch with its prefix length, such as 192.168.0.1/24']],
    ["a missing required key", "provider: sakuracloud\n", ['1:1  missing required key "name"']],
    ["a list item", "name: demo\nnetwork:\n  dns_servers: [1.1.1.1, one]\n", ['3:26 network.dns_servers[1] invalid value "one": expected an IPv4 address']],
    ["the host an existing provider needs", "name: demo\nprovider: existing\nhost:\n  ssh_port: 22\n", ['3:1 host missing required key "address"']],
  ])("locates %s", (_what, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it("reports every problem, not just the first", () => {
    expect(problemsOf("name: Demo\nnetwork:\n  forward: maybe\n  dhcp: none\n")).toHaveLength(3);
  });

  it.each([
    ["bad YAML", "name: demo\nnetwork: [a, b\n", /^pxectl.yaml:3:1: invalid YAML: /],
    ["a duplicated key", "name: demo\nname: other\n", /^pxectl.yaml:2:1: invalid YAML: Map keys must be unique/],
    ["tabs for indentation", "name: demo\nnetwork:\n\tdhcp: full\n", /^pxectl.yaml:3:1: invalid YAML: /],
    ["an empty file", "", /^pxectl.yaml:1:1: the file is empty$/],
  ])("refuses %s with a located message", (_what, text, expected) => {
    expect(() => parseProjectConfig(text, "pxectl.yaml")).toThrowError(expected);
  });
});

describe("pxectl config validate", () => {
  it("prints one line, a hint and exits 3 for an unknown key", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nsakuracloud:\n  zoen: is1a\n" });
    const r = await runCli(["config", "validate"], { cwd });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'error: pxectl.yaml:3:3: sakuracloud.zoen: unknown key "zoen"; did you mean "zone"?\nhint: fix the file, then run: pxectl config validate\n',
    );
  });

  it("lists every problem on its own line when there are several", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nnetwork:\n  forward: maybe\n  dhcp: none\n" });
    const r = await runCli(["config", "validate"], { cwd });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split("\n")).toEqual([
      "error: 2 problems",
      "  pxectl.yaml:3:12: network.forward: must be a boolean (got \"maybe\")",
      '  pxectl.yaml:4:9: network.dhcp: must be one of full, proxy (got "none")',
      "hint: fix the file, then run: pxectl config validate",
      "",
    ]);
  });

  it("gives JSON errors on stderr in json mode", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nmatchbox:\n  grpc_port: 0\n" });
    const r = await runCli(["config", "validate", "-o", "json"], { cwd });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: "invalid_config", message: "pxectl.yaml:3:14: matchbox.grpc_port: must be >= 1 (got 0)", hint: "fix the file, then run: pxectl config validate" },
    });
  });

  it("finds the file through --config and PXECTL_CONFIG, and names it as given", async () => {
    const cwd = tempDir({ "lab/site.yaml": "name: lab\nprovider: nope\n" });
    const viaFlag = await runCli(["--config", "lab/site.yaml", "config", "validate"], { cwd });
    expect(viaFlag.stderr).toMatch(/^error: lab\/site.yaml:2:11: provider: must be one of sakuracloud, existing/);
    const viaEnv = await spawnCli(["config", "validate"], { cwd, env: { PXECTL_CONFIG: "lab/site.yaml" } });
    expect(viaEnv.exitCode).toBe(3);
    expect(viaEnv.stderr).toMatch(/^error: lab\/site.yaml:2:11: /);
  });

  it("shows the effective configuration with defaults", async () => {
    const cwd = tempDir({ "pxectl.yaml": "name: demo\nsakuracloud:\n  zone: tk1v\n" });
    const r = await runCli(["config", "show", "-o", "json"], { cwd });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: "demo", sakuracloud: { zone: "tk1v", rate_limit: 5 }, network: { dhcp: "full" } });
  });
});
