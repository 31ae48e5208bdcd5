// Profile directories: templates, Butane, Ignition JSON, profile and group documents.
import type { BadInput } from "./types";

const plan = (name: string, files: Record<string, string | null>, says?: string | RegExp, exitCode = 3): BadInput => ({
  name: `profiles: ${name}`,
  argv: ["profile", "plan", "--offline"],
  files,
  exitCode,
  says,
});
const butane = (body: string) => ({ "profiles/butane/installed.yaml": body });
const VARIANT = "variant: flatcar\nversion: 1.1.0\n";

export const profileCases: BadInput[] = [
  plan("unclosed handlebars block", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n      contents:\n        inline: "{{#if node.name}}x"\n`), "installed.yaml"),
  plan("unclosed handlebars expression", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n      contents:\n        inline: "{{node.name"\n`), "installed.yaml"),
  plan("unknown handlebars helper", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n      contents:\n        inline: "{{shout node.name}}"\n`), "shout"),
  plan("unknown variable", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n      contents:\n        inline: "{{no_such_variable}}"\n`), "no_such_variable"),
  plan("Butane key typo", butane(`${VARIANT}storag:\n  files: []\n`), "storag"),
  plan("Butane nested key typo", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n      contnets:\n        inline: x\n`), "contnets"),
  plan("unknown Butane variant", butane("variant: flatcarr\nversion: 1.1.0\n"), "flatcarr"),
  plan("unknown Butane version", butane("variant: flatcar\nversion: 9.9.9\n"), "9.9.9"),
  plan("Butane without variant", butane("version: 1.1.0\n"), "variant"),
  plan("Butane file mode as text", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n      mode: rw-r--r--\n`), "mode"),
  plan("Butane relative path", butane(`${VARIANT}storage:\n  files:\n    - path: etc/x\n`), "etc/x"),
  plan("Butane duplicate file path", butane(`${VARIANT}storage:\n  files:\n    - path: /etc/x\n    - path: /etc/x\n`), "/etc/x"),
  plan("Butane bad YAML", butane(`${VARIANT}storage: [\n`), "installed.yaml"),
  plan("Butane user without name", butane(`${VARIANT}passwd:\n  users:\n    - ssh_authorized_keys: [x]\n`), "name"),
  plan("Ignition JSON that is not JSON", { "profiles/extra.yaml": "kind: profile\nid: raw\nconfig: raw.ign\n", "profiles/raw.ign": '{"ignition": {"version": "3.4.0"},' }, "raw.ign"),
  plan("Ignition JSON of an unknown version", { "profiles/extra.yaml": "kind: profile\nid: raw\nconfig: raw.ign\n", "profiles/raw.ign": '{"ignition": {"version": "9.0.0"}}' }, "9.0.0"),
  plan("config file missing", { "profiles/butane/installed.yaml": null }, "installed.yaml"),
  plan("duplicate profile id", { "profiles/extra.yaml": "kind: profile\nid: flatcar\nconfig: butane/installed.yaml\n" }, "flatcar"),
  plan("duplicate group id", { "profiles/extra.yaml": "kind: group\nid: install\nprofile: flatcar\nselector:\n  os: other\n" }, "install"),
  plan("duplicate selector", { "profiles/extra.yaml": "kind: group\nid: installed-again\nprofile: flatcar\nselector:\n  os: installed\n" }, "selector"),
  plan("group names a missing profile", { "profiles/extra.yaml": "kind: group\nid: lost\nprofile: nosuch\nselector:\n  os: lost\n" }, "nosuch"),
  plan("unknown kind", { "profiles/extra.yaml": "kind: profil\nid: x\n" }, "profil"),
  plan("unknown profile key", { "profiles/extra.yaml": "kind: profile\nid: x\nbot:\n  kernel: /k\n" }, "bot"),
  plan("boot args as a string", { "profiles/extra.yaml": "kind: profile\nid: x\nboot:\n  kernel: /k\n  args: console=ttyS0\n" }, "args"),
  plan("profile id with a slash", { "profiles/extra.yaml": "kind: profile\nid: a/b\n" }, "a/b"),
  plan("selector value as a list", { "profiles/extra.yaml": "kind: group\nid: g\nprofile: flatcar\nselector:\n  os: [a, b]\n" }, "selector"),
  plan("profiles file not YAML", { "profiles/extra.yaml": "kind: group\n  id: g\n bad\n" }, "extra.yaml"),
  plan("profiles file as JSON with a trailing comma", { "profiles/extra.yaml": '{"kind": "group", "id": "g", "profile": "flatcar",}' }, "two default groups"),
  plan("undefined variable in a boot arg, at its own line", { "profiles/extra.yaml": "# a comment\nkind: profile\nid: x\nboot:\n  kernel: /k\n  args:\n    - a={{nosuch}}\n" }, 'profiles/extra.yaml:7:11: template variable "nosuch" is not defined'),
  plan("undefined variable in the kernel, at its own line", { "profiles/extra.yaml": "# a comment\nkind: profile\nid: x\nboot:\n  kernel: /assets/{{nosuch}}/k\n" }, 'profiles/extra.yaml:5:21: template variable "nosuch" is not defined'),
  // the cause only: the group naming the profile is not also "no profile declared"
  plan("a typo'd key in a profile a group names", { "profiles/extra.yaml": "kind: profile\nid: x\nconfg: butane/installed.yaml\n---\nkind: group\nid: x\nprofile: x\nselector:\n  role: x\n" }, 'profiles/extra.yaml:3:1: confg: unknown key "confg"; did you mean "config"?'),
  plan("template in the boot args", { "profiles/extra.yaml": "kind: profile\nid: x\nboot:\n  kernel: /assets/{{nosuch.version}}/k\n" }, "nosuch"),
  plan("an empty profile directory", { "profiles/flatcar.yaml": null, "profiles/nodes.yaml": null, "profiles/butane/install.yaml": null, "profiles/butane/installed.yaml": null, "profiles/butane/node.yaml": null }),
];
