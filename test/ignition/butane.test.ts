import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../../src/ignition";
import { decodeResource } from "../../src/ignition/dataurl";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/butane-golden/${name}`, import.meta.url), "utf8");
const compile = (text: string, file = "config.yaml") => compileConfig({ text, origin: { file } });

/** decoded replaces every data URL by its decoded text, so gzip bytes from Go and zlib compare equal. */
function decoded(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decoded);
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "source" && typeof v === "string" && v.startsWith("data:")) out.decoded = (decodeResource(v, obj.compression as string) as Buffer).toString("utf8");
    else if (k !== "compression") out[k] = decoded(v);
  }
  return out;
}

describe("Butane translation against real Butane output (matchbox's committed examples)", () => {
  for (const name of ["flatcar-install", "flatcar", "fedora-coreos"]) {
    it(`${name}.yaml translates to what butane wrote in ${name}.ign`, () => {
      const ours = compile(fixture(`${name}.yaml`), `${name}.yaml`);
      const theirs = JSON.parse(fixture(`${name}.ign`)) as unknown;
      expect(decoded(ours.config)).toEqual(decoded(theirs));
      expect(ours).toMatchObject({ format: "butane", spec: "3.4.0", warnings: [] });
    });
  }

  it("chooses gzip exactly when Butane did, and the same bytes come out", () => {
    const ours = compile(fixture("flatcar-install.yaml")).config as { storage: { files: Array<{ contents: { source: string; compression: string } }> } };
    const theirs = JSON.parse(fixture("flatcar-install.ign")) as typeof ours;
    const [a, b] = [ours.storage.files[0]!.contents, theirs.storage.files[0]!.contents];
    expect(a.compression).toBe("gzip");
    const unzip = (s: string) => gunzipSync(Buffer.from(s.slice("data:;base64,".length), "base64")).toString();
    expect(unzip(a.source)).toBe(unzip(b.source));
  });

  it("is byte-identical to butane --pretty where no gzip is involved", () => {
    const ours = compileConfig({ text: fixture("flatcar.yaml"), origin: { file: "flatcar.yaml" } });
    expect(JSON.stringify(JSON.parse(ours.json), null, 2) + "\n").toBe(fixture("flatcar.ign"));
  });
});

describe("Butane translation rules", () => {
  it("encodes short inline contents as an escaped data URL with an explicit empty compression", () => {
    const r = compile("variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /etc/hostname\n      mode: 0644\n      contents:\n        inline: xyzzy\n");
    expect(r.spec).toBe("3.3.0");
    expect(r.config.storage).toEqual({ files: [{ path: "/etc/hostname", mode: 420, contents: { source: "data:,xyzzy", compression: "" } }] });
  });

  it("reads modes as YAML 1.1 octal and renames snake_case keys", () => {
    const r = compile(
      "variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: core\n      home_dir: /home/core\n      no_create_home: true\n      password_hash: $y$x\nstorage:\n  directories:\n    - path: /opt/bin\n      mode: 0755\n  links:\n    - path: /etc/localtime\n      target: ../usr/share/zoneinfo/UTC\n  disks:\n    - device: /dev/vdb\n      wipe_table: true\n      partitions:\n        - size_mib: 1024\n          type_guid: 0FC63DAF-8483-4772-8E79-3D69D8477DE4\n",
    );
    expect(r.config.passwd).toEqual({ users: [{ name: "core", homeDir: "/home/core", noCreateHome: true, passwordHash: "$y$x" }] });
    expect(r.config.storage).toMatchObject({
      directories: [{ path: "/opt/bin", mode: 493 }],
      links: [{ path: "/etc/localtime", target: "../usr/share/zoneinfo/UTC" }],
      disks: [{ device: "/dev/vdb", wipeTable: true, partitions: [{ sizeMiB: 1024, typeGuid: "0FC63DAF-8483-4772-8E79-3D69D8477DE4" }] }],
    });
  });

  it("keeps drop-ins and mask, and reads local files from the files directory", () => {
    const files: Record<string, string> = { "units/etcd.conf": "[Service]\nNice=5\n", "keys/admin.pub": "ssh-ed25519 A\n\nssh-ed25519 B\r\n" };
    const r = compileConfig({
      text: "variant: flatcar\nversion: 1.1.0\nsystemd:\n  units:\n    - name: etcd.service\n      mask: false\n      dropins:\n        - name: nice.conf\n          contents_local: units/etcd.conf\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys_local: [keys/admin.pub]\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        local: units/etcd.conf\n",
      origin: { file: "c.yaml" },
      readLocal: (p) => (files[p] === undefined ? undefined : Buffer.from(files[p])),
    });
    expect(r.config.systemd).toEqual({ units: [{ name: "etcd.service", mask: false, dropins: [{ name: "nice.conf", contents: "[Service]\nNice=5\n" }] }] });
    expect(r.config.passwd).toEqual({ users: [{ name: "core", sshAuthorizedKeys: ["ssh-ed25519 A", "ssh-ed25519 B"] }] });
    expect(r.config.storage).toMatchObject({ files: [{ path: "/etc/motd", contents: { source: "data:,%5BService%5D%0ANice%3D5%0A", compression: "" } }] });
  });

  it("generates a mount unit for with_mount_unit, as Butane does", () => {
    const r = compile("variant: flatcar\nversion: 1.1.0\nstorage:\n  filesystems:\n    - device: /dev/disk/by-label/data-disk\n      path: /var/lib/data\n      format: ext4\n      with_mount_unit: true\n      mount_options: [noatime]\n");
    const units = (r.config.systemd as { units: Array<{ name: string; enabled: boolean; contents: string }> }).units;
    expect(units).toHaveLength(1);
    expect(units[0]!.name).toBe("var-lib-data.mount");
    expect(units[0]!.enabled).toBe(true);
    expect(units[0]!.contents).toBe(
      "# Generated by Butane\n[Unit]\nRequires=systemd-fsck@dev-disk-by\\x2dlabel-data\\x2ddisk.service\nAfter=systemd-fsck@dev-disk-by\\x2dlabel-data\\x2ddisk.service\n\n[Mount]\nWhere=/var/lib/data\nWhat=/dev/disk/by-label/data-disk\nType=ext4\nOptions=noatime\n\n[Install]\nRequiredBy=local-fs.target",
    );
    expect(r.config.storage).toEqual({ filesystems: [{ device: "/dev/disk/by-label/data-disk", path: "/var/lib/data", format: "ext4", mountOptions: ["noatime"] }] });
  });

  it("accepts raw Ignition JSON 3.0 to 3.4 as it is", () => {
    const text = JSON.stringify({ ignition: { version: "3.1.0" }, systemd: { units: [{ name: "docker.service", enabled: false }] } });
    const r = compile(text, "raw.ign");
    expect(r).toMatchObject({ format: "ignition", spec: "3.1.0" });
    expect(r.json).toBe('{"ignition":{"version":"3.1.0"},"systemd":{"units":[{"enabled":false,"name":"docker.service"}]}}');
  });

  it("converts a legacy Container Linux Config with a warning", () => {
    const r = compile(
      "systemd:\n  units:\n    - name: installer.service\n      enable: true\n      contents: |\n        [Service]\n        ExecStart=/opt/installer\nstorage:\n  files:\n    - path: /opt/installer\n      filesystem: root\n      mode: 0500\n      contents:\n        inline: |\n          #!/bin/bash\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys: [ssh-ed25519 AAAA]\n",
      "seed.yaml",
    );
    expect(r.format).toBe("clc");
    expect(r.spec).toBe("3.4.0");
    expect(r.config.systemd).toEqual({ units: [{ name: "installer.service", enabled: true, contents: "[Service]\nExecStart=/opt/installer\n" }] });
    expect(r.config.storage).toEqual({ files: [{ path: "/opt/installer", mode: 320, overwrite: true, contents: { source: "data:,%23!%2Fbin%2Fbash%0A", compression: "" } }] });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message).toContain("legacy Container Linux Config");
  });
});
