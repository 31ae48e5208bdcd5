// /ignition as matchbox v0.11 serves a raw config: Go's types for spec 3.4.0, json.Marshal.
import { describe, expect, it } from "vitest";
import { ZERO_CONFIG, serveIgnition } from "../../src/matchbox";

// matchbox/http/ignition_test.go: a 3.1.0 config served as 3.4.0
const SERVED = `{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},"kernelArguments":{},"passwd":{"users":[{"name":"core","sshAuthorizedKeys":["key"]}]},"storage":{},"systemd":{"units":[{"enabled":false,"name":"docker.service"}]}}`;

describe("serveIgnition", () => {
  it.each(["3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0"])("serves a %s config as 3.4.0, byte for byte as matchbox", (version) => {
    const input = { ignition: { version }, passwd: { users: [{ name: "core", sshAuthorizedKeys: ["key"] }] }, systemd: { units: [{ name: "docker.service", enabled: false }] } };
    expect(serveIgnition(JSON.stringify(input))).toEqual({ body: SERVED });
  });

  it("fills every struct Go always writes, keeps Go's field order, escapes & and drops unknown keys", () => {
    const input = {
      ignition: { version: "3.3.0" },
      unknown: 1,
      storage: { files: [{ path: "/etc/a", mode: 420, overwrite: true, contents: { source: "data:,a&b", compression: "" }, extra: true }], links: [{ path: "/l", target: "/t" }] },
      systemd: { units: [{ name: "a.service", dropins: [{ name: "x.conf", contents: "[Service]" }] }] },
    };
    expect(serveIgnition(JSON.stringify(input)).body).toBe(
      '{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":"3.4.0"},"kernelArguments":{},"passwd":{},' +
        '"storage":{"files":[{"group":{},"overwrite":true,"path":"/etc/a","user":{},"contents":{"compression":"","source":"data:,a\\u0026b","verification":{}},"mode":420}],' +
        '"links":[{"group":{},"path":"/l","user":{},"target":"/t"}]},"systemd":{"units":[{"dropins":[{"contents":"[Service]","name":"x.conf"}],"name":"a.service"}]}}',
    );
  });

  it.each([
    ["an unsupported version", '{"ignition":{"version":"3.5.0"}}', /unsupported config version "3\.5\.0"/],
    ["spec 2", '{"ignition":{"version":"2.3.0"}}', /unsupported config version/],
    ["not JSON", "variant: flatcar", /not valid JSON/],
    ["a type error", '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":1}]}}', /\$\.storage\.files\[0\]\.path: cannot unmarshal number into a string/],
  ])("serves Go's zero config, with a warning, for %s", (_what, text, warning) => {
    const served = serveIgnition(text);
    expect(served.body).toBe(ZERO_CONFIG);
    expect(served.warning).toMatch(warning);
  });

  it("has the zero config's shape: version empty, every struct present", () => {
    expect(ZERO_CONFIG).toBe('{"ignition":{"config":{"replace":{"verification":{}}},"proxy":{},"security":{"tls":{}},"timeouts":{},"version":""},"kernelArguments":{},"passwd":{},"storage":{},"systemd":{}}');
  });
});
