import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors";
import { compileConfig, compileTemplate } from "../../src/ignition";

function problems(text: string, file = "c.yaml"): string[] {
  try {
    compileConfig({ text, origin: { file } });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path ? p.path + ": " : ""}${p.message}`);
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const BUTANE = "variant: flatcar\nversion: 1.1.0\n";

describe("config errors are located one-liners", () => {
  it.each([
    ["a Butane key typo", BUTANE + "passwd:\n  users:\n    - name: core\n      ssh_authorized_key: [k]\n", 'c.yaml:6:7: passwd.users[0].ssh_authorized_key: unknown key "ssh_authorized_key"; did you mean "ssh_authorized_keys"?'],
    ["an Ignition key in Butane", BUTANE + "passwd:\n  users:\n    - name: core\n      sshAuthorizedKeys: [k]\n", 'c.yaml:6:7: passwd.users[0].sshAuthorizedKeys: unknown key "sshAuthorizedKeys"; did you mean "ssh_authorized_keys"?'],
    ["an unknown variant", "variant: fcos\nversion: 1.6.0\n", 'c.yaml:1:10: variant: unsupported Butane variant/version "fcos 1.6.0"; pxectl supports flatcar 1.0.0, flatcar 1.1.0, fcos 1.5.0'],
    ["a version without variant", "version: 1.1.0\n", 'c.yaml:1:10: version: unsupported Butane variant/version "(no variant) 1.1.0"; pxectl supports flatcar 1.0.0, flatcar 1.1.0, fcos 1.5.0'],
    ["Ignition 3.5", '{"ignition": {"version": "3.5.0"}}', 'c.yaml:1:26: ignition.version: unsupported Ignition spec version "3.5.0"; pxectl accepts 3.0.0, 3.1.0, 3.2.0, 3.3.0, 3.4.0'],
    ["an Ignition key typo", '{"ignition": {"version": "3.4.0"}, "sytemd": {}}', 'c.yaml:1:36: sytemd: unknown key "sytemd"; did you mean "systemd"?'],
    ["a decimal mode", BUTANE + "storage:\n  files:\n    - path: /etc/x\n      mode: 644\n", "c.yaml:6:13: storage.files[0].mode: mode 644 looks like octal written without its leading zero; write 0644 (YAML) or 420 (JSON)"],
    ["a mode as a string", BUTANE + "storage:\n  files:\n    - path: /etc/x\n      mode: '0644'\n", 'c.yaml:6:13: storage.files[0].mode: must be an integer or null (got "0644")'],
    ["a relative path", BUTANE + "storage:\n  directories:\n    - path: opt\n", 'c.yaml:5:13: storage.directories[0].path: path "opt" must be absolute (start with /)'],
    ["a duplicate path", BUTANE + "storage:\n  files:\n    - path: /a\n  links:\n    - path: /a\n      target: /b\n", 'c.yaml:7:13: storage.links[0].path: path "/a" is declared twice (also storage.files[0])'],
    ["a unit without suffix", BUTANE + "systemd:\n  units:\n    - name: docker\n", 'c.yaml:5:13: systemd.units[0].name: unit "docker" needs a unit type suffix such as .service, .socket, .timer or .mount'],
    ["a duplicate unit", BUTANE + "systemd:\n  units:\n    - name: a.service\n    - name: a.service\n", 'c.yaml:6:13: systemd.units[1].name: unit "a.service" is declared twice (also systemd.units[0])'],
    ["a drop-in not named .conf", BUTANE + "systemd:\n  units:\n    - name: a.service\n      dropins:\n        - name: x\n", 'c.yaml:7:17: systemd.units[0].dropins[0].name: drop-in "x" must end in .conf'],
    ["two sources", BUTANE + "storage:\n  files:\n    - path: /a\n      contents:\n        source: http://x/a\n        inline: a\n", "c.yaml:8:9: storage.files[0].contents.inline: only one of source and inline may be set"],
    ["a bad data URL", BUTANE + "storage:\n  files:\n    - path: /a\n      contents:\n        source: data:;base64,%%%\n", "c.yaml:7:17: storage.files[0].contents.source: invalid data URL: it has invalid base64 data"],
    ["an unsupported URL", BUTANE + "storage:\n  files:\n    - path: /a\n      contents:\n        source: ftp://x/a\n", 'c.yaml:7:17: storage.files[0].contents.source: unsupported URL "ftp://x/a"; Ignition fetches http, https, tftp, s3, gs, arn, data URLs'],
    ["a bad hash", BUTANE + "storage:\n  files:\n    - path: /a\n      contents:\n        source: http://x/a\n        verification:\n          hash: md5-00\n", "c.yaml:9:17: storage.files[0].contents.verification.hash: hash must be sha512-<128 hex digits> or sha256-<64 hex digits>"],
    ["clevis on flatcar", BUTANE + "storage:\n  luks:\n    - name: root\n      clevis:\n        tpm2: true\n", "c.yaml:6:7: storage.luks[0].clevis: clevis is not supported by Flatcar"],
    ["a YAML syntax error", BUTANE + "passwd: [\n", "c.yaml:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ["not a mapping", "- a\n", "c.yaml:1:1: a config must be a mapping: start it with variant: flatcar and version: 1.1.0"],
  ])("%s", (_what, text, expected) => {
    expect(problems(text)[0]).toBe(expected);
  });

  it("shifts lines and columns of a config inlined in another file", () => {
    try {
      compileConfig({ text: BUTANE + "passwd:\n  userz: []\n", origin: { file: "profiles.yaml", lineOffset: 10, columnOffset: 4 } });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).message).toBe('profiles.yaml:14:7: passwd.userz: unknown key "userz"; did you mean "users"?');
    }
  });
});

describe("templates", () => {
  const origin = { file: "install.yaml" };

  it("renders without HTML escaping and knows the root names it reads", () => {
    const t = compileTemplate("a: {{matchbox.http_endpoint}}/ignition?mac={{node.mac}}&os=installed {{json key}}\n{{#each disks}}{{this}} {{../node.name}}{{/each}}{{#if x}}{{/if}}", origin);
    expect([...t.roots].sort()).toEqual(["disks", "key", "matchbox", "node", "x"]);
    expect(t.render({ matchbox: { http_endpoint: "http://m:8080" }, node: { mac: "52:54:00:a1:9c:ae", name: "n1" }, key: "a<b>&c", disks: ["/dev/vda"] })).toBe(
      'a: http://m:8080/ignition?mac=52:54:00:a1:9c:ae&os=installed "a<b>&c"\n/dev/vda n1',
    );
  });

  it("names a missing variable with its whole path and file:line:col", () => {
    const t = compileTemplate("line one\n  key: {{node.mac}}\n", { file: "install.yaml", lineOffset: 3 });
    expect(() => t.render({ node: {} })).toThrow('install.yaml:5:10: template variable "node.mac" is not defined');
  });

  it("reports a malformed template at its line", () => {
    expect(() => compileTemplate("a\nb: {{#if x}}\n", origin)).toThrow(/^install\.yaml:3:\d+: invalid template: a block or \{\{ is not closed$/);
    expect(() => compileTemplate("a: {{x}\n", origin)).toThrow(/^install\.yaml:1:\d+: invalid template: unexpected invalid$/);
  });

  it("refuses a helper it does not know, and json of an undefined value", () => {
    expect(() => compileTemplate("{{shout x}}", origin).render({ x: 1 })).toThrow(/shout/);
    expect(() => compileTemplate("\n{{json missing}}", origin).render({})).toThrow("install.yaml:2:1: json needs a defined value");
  });
});
