// The installer over a real SSH connection (a sudo user, as on Ubuntu cloud hosts) against
// a root prefix: files land under the prefix and are checked again here with the real
// dnsmasq --test, nft -c and systemd-analyze verify; a second run changes nothing; a
// change restarts only what reads it; bad settings and bad files are never activated.
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProjectConfig } from "../../src/config/project";
import { ConfigError, RemoteError } from "../../src/core/errors";
import { type RemoteHost, connectHost } from "../../src/remote";
import { type HostFacts, type InstallInputs, type InstallReport, HOST_PATHS, configureSwitchNic, findAccount, hostSettings, installHost, switchUla, syncGrubNodeFiles } from "../../src/remote/installer";
import { FileSet } from "../../src/remote/installer/files";
import { Target } from "../../src/remote/installer/target";
import { dnsmasqTest, nftCheck, systemdVerify } from "../../src/remote/installer/validators";
import { seedRoot } from "../support/root-prefix";
import { TestSshd } from "../support/sshd";
import { tempDir } from "../support/tempdir";

let sshd: TestSshd;
let host: RemoteHost;
const log: string[] = [];
const serverKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

beforeAll(async () => {
  sshd = await TestSshd.start();
  const user = sshd.addUser({ sudo: "nopasswd" });
  host = await connectHost({ host: sshd.host, port: sshd.port, user: user.name, credentials: { keyFile: sshd.clientKey }, hostKey: { pinned: sshd.hostKeyFingerprint() }, log: (l) => log.push(l) });
});
afterAll(async () => {
  await host?.close();
  await sshd?.stop();
});

const FACTS: HostFacts = { switchInterface: "eth1", uplinkInterface: "eth0", publicAddress: "203.0.113.7", arch: "amd64", resolvers: ["133.242.0.3", "133.242.0.4"] };

function inputs(dir: string, yaml = ""): InstallInputs {
  const config = parseProjectConfig(`name: demo\n${yaml}`, "pxectl.yaml");
  const binary = join(dir, "matchbox");
  writeFileSync(binary, "#!/bin/sh\necho v0.11.0\n", { mode: 0o755 });
  return {
    settings: hostSettings(config, "pxectl.yaml"),
    facts: FACTS,
    tls: { caCert: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", serverCert: "-----BEGIN CERTIFICATE-----\nSERVER\n-----END CERTIFICATE-----\n", serverKey },
    matchbox: { kind: "file", path: binary },
  };
}

function install(root: string, i: InstallInputs): Promise<InstallReport> {
  return installHost(host, i, { root });
}

const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");
const mode = (root: string, path: string) => statSync(join(root, path)).mode & 0o7777;

describe("install on a root prefix", () => {
  let root: string;
  let first: InstallReport;
  let i: InstallInputs;
  beforeAll(async () => {
    root = seedRoot(tempDir({}, { keep: true }));
    i = inputs(root);
    first = await install(root, i);
  });
  afterAll(() => execFileSync("rm", ["-rf", root]));

  it("reports every step, changing all but the packages (present in the prefix's dpkg database)", () => {
    expect(first.steps.map((s) => [s.id, s.changed])).toEqual([
      ["packages", false],
      ["matchbox-binary", true],
      ["matchbox-folders", true],
      ["tls", true],
      ["matchbox-unit", true],
      ["ipxe", true],
      ["secure-boot", true],
      ["dnsmasq", true],
      ["forwarding", true],
      ["services", true],
    ]);
    expect(first.matchboxVersion).toBe("v0.11.0");
    expect(first.arm64).toBe(false);
  });

  it("records what needs the running system instead of doing it", () => {
    expect(first.actions).toEqual([
      { command: "sysctl -w net.ipv4.ip_forward=1", ran: false },
      { command: "systemctl daemon-reload", ran: false },
      { command: "systemctl restart matchbox.service", ran: false },
      { command: "systemctl restart pxectl-dnsmasq.service", ran: false },
      { command: "systemctl restart pxectl-nat.service", ran: false },
    ]);
    // enabling works offline (systemctl --root), so it really happened
    for (const unit of ["matchbox.service", "pxectl-dnsmasq.service", "pxectl-nat.service"]) {
      expect(readlinkSync(join(root, "etc/systemd/system/multi-user.target.wants", unit))).toBe(`/etc/systemd/system/${unit}`);
    }
  });

  it("creates the matchbox user and its folders, and installs the TLS files 0600 owned by it", async () => {
    const account = (await findAccount(new Target(host, root), "matchbox"))!;
    expect(account.uid).toBeGreaterThan(0);
    for (const f of ["assets", "profiles", "groups", "ignition", "generic"]) {
      const st = statSync(join(root, "var/lib/matchbox", f));
      expect([st.uid, st.mode & 0o777]).toEqual([account.uid, 0o755]);
    }
    for (const f of [HOST_PATHS.caCert, HOST_PATHS.serverCert, HOST_PATHS.serverKey]) {
      const st = statSync(join(root, f));
      expect([st.uid, st.gid, st.mode & 0o777]).toEqual([account.uid, account.gid, 0o600]);
    }
    expect(read(root, HOST_PATHS.serverKey)).toBe(serverKey);
    expect(mode(root, HOST_PATHS.matchboxBinary)).toBe(0o755);
  });

  it("binds matchbox's HTTP to the switch address and gRPC to the public one", () => {
    const dropIn = read(root, HOST_PATHS.matchboxDropIn);
    expect(dropIn).toContain('Environment="MATCHBOX_ADDRESS=192.168.0.1:8080"');
    expect(dropIn).toContain('Environment="MATCHBOX_RPC_ADDRESS=203.0.113.7:8081"');
    expect(read(root, HOST_PATHS.matchboxUnit)).toContain("ExecStart=/usr/local/bin/matchbox");
  });

  it("serves DHCP on the switch NIC only and chainloads iPXE to matchbox", () => {
    const conf = read(root, HOST_PATHS.dnsmasqConfig);
    for (const line of [
      "interface=eth1",
      "bind-interfaces",
      "dhcp-range=192.168.0.101,192.168.0.200,255.255.255.0,12h",
      "dhcp-option=option:router,192.168.0.1",
      "dhcp-option=option:dns-server,133.242.0.3,133.242.0.4",
      "dhcp-boot=tag:!ipxe,tag:bios,undionly.kpxe",
      "dhcp-boot=tag:!ipxe,tag:efi64,tag:!pxectl-grub,ipxe.efi",
      "dhcp-boot=tag:ipxe,http://192.168.0.1:8080/boot.ipxe",
      "tftp-root=/var/lib/tftpboot",
      "log-dhcp",
    ]) {
      expect(conf.split("\n")).toContain(line);
    }
    expect(conf).not.toContain("arm64");
    expect(readFileSync(join(root, "var/lib/tftpboot/undionly.kpxe")).equals(readFileSync("/usr/lib/ipxe/undionly.kpxe"))).toBe(true);
    expect(existsSync(join(root, "var/lib/tftpboot/ipxe.efi"))).toBe(true);
  });

  it("serves nodes tagged in the dhcp-hostsdir shim, byte for byte the packages' signed shim and network GRUB", () => {
    const conf = read(root, HOST_PATHS.dnsmasqConfig).split("\n");
    expect(conf).toContain("dhcp-hostsdir=/var/lib/pxectl/dhcp-hosts");
    expect(conf).toContain("dhcp-boot=tag:!ipxe,tag:efi64,tag:pxectl-grub,shimx64.efi");
    // only tagged nodes: nodes.boot_loader is ipxe
    expect(conf.filter((l) => l.startsWith("dhcp-match=set:pxectl-grub"))).toEqual([]);
    expect(readFileSync(join(root, "var/lib/tftpboot/shimx64.efi")).equals(readFileSync("/usr/lib/shim/shimx64.efi.signed"))).toBe(true);
    expect(readFileSync(join(root, "var/lib/tftpboot/grubx64.efi")).equals(readFileSync("/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed"))).toBe(true);
    expect(read(root, "/var/lib/tftpboot/grub/grub.cfg")).toContain('configfile "${prefix}/nodes/${net_default_mac}.cfg"');
    expect(readlinkSync(join(root, "var/lib/tftpboot/assets"))).toBe("/var/lib/matchbox/assets");
    expect(statSync(join(root, HOST_PATHS.dhcpHosts)).isDirectory()).toBe(true);
    expect(first.steps.find((s) => s.id === "secure-boot")?.details).toEqual([
      "copied shimx64.efi (from /usr/lib/shim/shimx64.efi.signed)",
      "copied grubx64.efi (from /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed)",
      "created /var/lib/tftpboot/grub (root, 0755)",
      "created /var/lib/tftpboot/grub/nodes (root, 0755)",
      "created /var/lib/pxectl/dhcp-hosts (root, 0755)",
      "wrote /var/lib/tftpboot/grub/grub.cfg",
      "linked /var/lib/tftpboot/assets to /var/lib/matchbox/assets",
    ]);
  });

  it("writes each GRUB node's dnsmasq tag and GRUB config, again changes nothing, and removes a node's files with it", async () => {
    const t = new Target(host, root);
    const nodes = [
      { mac: "52:54:00:aa:00:01", config: "linux /assets/a/vmlinuz\n" },
      { mac: "52:54:00:aa:00:02", config: "exit 1\n" },
    ];
    const first = await syncGrubNodeFiles(t, nodes);
    expect(first.written).toEqual([
      "/var/lib/pxectl/dhcp-hosts/525400aa0001",
      "/var/lib/tftpboot/grub/nodes/52:54:00:aa:00:01.cfg",
      "/var/lib/pxectl/dhcp-hosts/525400aa0002",
      "/var/lib/tftpboot/grub/nodes/52:54:00:aa:00:02.cfg",
    ]);
    expect(read(root, "/var/lib/pxectl/dhcp-hosts/525400aa0001")).toBe("52:54:00:aa:00:01,set:pxectl-grub\n");
    expect(read(root, "/var/lib/tftpboot/grub/nodes/52:54:00:aa:00:02.cfg")).toBe("exit 1\n");
    const dnsmasq = spawnSync("dnsmasq", ["--test", "-C", join(root, HOST_PATHS.dnsmasqConfig), `--dhcp-hostsfile=${join(root, "/var/lib/pxectl/dhcp-hosts/525400aa0001")}`], { encoding: "utf8" });
    expect(dnsmasq.stderr.trim()).toBe("dnsmasq: syntax check OK.");
    expect(await syncGrubNodeFiles(t, nodes)).toMatchObject({ changed: false, written: [], removed: [] });
    expect(t.actions).toEqual([]);

    const second = await syncGrubNodeFiles(t, [nodes[0]!]);
    expect(second).toMatchObject({ changed: true, written: [], removed: ["/var/lib/pxectl/dhcp-hosts/525400aa0002", "/var/lib/tftpboot/grub/nodes/52:54:00:aa:00:02.cfg"] });
    // dnsmasq forgets a removed dhcp-hostsdir entry only on SIGHUP (which aborts dnsmasq 2.90 once the host has a lease) or a restart
    expect(t.actions).toEqual([{ command: `systemctl --root=${root} try-restart pxectl-dnsmasq.service`, ran: false }]);
    expect(readdirSync(join(root, HOST_PATHS.dhcpHosts))).toEqual(["525400aa0001"]);
    expect((await syncGrubNodeFiles(t, [])).removed).toHaveLength(2);
  });

  it("writes files the real checkers accept", () => {
    const dnsmasq = spawnSync("dnsmasq", ["--test", "-C", join(root, HOST_PATHS.dnsmasqConfig)], { encoding: "utf8" });
    expect(dnsmasq.stderr.trim()).toBe("dnsmasq: syntax check OK.");
    const nft = spawnSync("unshare", ["--net", "nft", "-c", "-f", join(root, HOST_PATHS.natRules)], { encoding: "utf8" });
    expect([nft.status, nft.stderr]).toEqual([0, ""]);
    const units = ["matchbox.service", "pxectl-dnsmasq.service", "pxectl-nat.service"];
    const verify = spawnSync("systemd-analyze", ["verify", `--root=${root}`, "--recursive-errors=no", ...units], { encoding: "utf8" });
    expect([verify.status, verify.stderr]).toEqual([0, ""]);
  });

  it("NATs the nodes out of the uplink and keeps private ranges off a public uplink", () => {
    const rules = read(root, HOST_PATHS.natRules);
    expect(rules).toContain('ip saddr 192.168.0.0/24 oifname "eth0" masquerade');
    expect(rules).toContain('iifname "eth1" oifname "eth0" ip daddr { 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 } drop');
    expect(rules).not.toContain("176.16");
    expect(read(root, HOST_PATHS.ipForward)).toContain("net.ipv4.ip_forward = 1");
  });

  it("changes nothing on a second run", async () => {
    const again = await install(root, i);
    expect(again.steps.filter((s) => s.changed)).toEqual([]);
    expect(again.actions).toEqual([]);
    expect(again.changed).toBe(false);
  });

  it("restarts only the service whose files changed", async () => {
    const longer = await install(root, { ...i, settings: { ...i.settings, leaseTime: "24h" } });
    expect(longer.steps.filter((s) => s.changed).map((s) => s.id)).toEqual(["dnsmasq", "services"]);
    expect(longer.actions).toEqual([{ command: "systemctl restart pxectl-dnsmasq.service", ran: false }]);
    expect(read(root, HOST_PATHS.dnsmasqConfig)).toContain("255.255.255.0,24h");
  });

  it("restarts a service whose new files an interrupted run put in place", async () => {
    // the dnsmasq step activates the new file, then the forwarding step fails: no restart happens
    const broken = { ...i, settings: { ...i.settings, leaseTime: "6h" }, facts: { ...FACTS, uplinkInterface: undefined } };
    await expect(install(root, broken)).rejects.toThrow(/nowhere to forward/);
    expect(existsSync(join(root, "etc/pxectl/.dnsmasq.conf.pxectl-prev"))).toBe(true);
    const resumed = await install(root, { ...i, settings: { ...i.settings, leaseTime: "6h" } });
    expect(resumed.steps.filter((s) => s.changed).map((s) => s.id)).toEqual(["services"]);
    expect(resumed.actions).toEqual([{ command: "systemctl restart pxectl-dnsmasq.service", ran: false }]);
    expect(existsSync(join(root, "etc/pxectl/.dnsmasq.conf.pxectl-prev"))).toBe(false);
  });

  it("takes forwarding away again when network.forward is turned off", async () => {
    const off = await install(root, { ...i, settings: { ...i.settings, forward: false } });
    expect(off.steps.filter((s) => s.changed).map((s) => s.id)).toEqual(["dnsmasq", "forwarding", "services"]);
    expect(off.actions).toEqual([
      { command: "systemctl stop pxectl-nat.service", ran: false },
      { command: "sysctl -w net.ipv4.ip_forward=0", ran: false },
      { command: "systemctl daemon-reload", ran: false },
      { command: "systemctl restart pxectl-dnsmasq.service", ran: false },
    ]);
    for (const p of [HOST_PATHS.natRules, HOST_PATHS.natUnit, HOST_PATHS.ipForward, "/etc/systemd/system/multi-user.target.wants/pxectl-nat.service"]) {
      expect(existsSync(join(root, p))).toBe(false);
    }
    expect(read(root, HOST_PATHS.dnsmasqConfig).split("\n")).toContain("dhcp-option=option:router");
  });

  it("keeps secrets out of the log", () => {
    const body = serverKey.split("\n")[1]!;
    expect(log.join("\n")).not.toContain(body);
  });
});

describe("a bare prefix", () => {
  it("records the apt-get install of missing packages and serves ARM64 when iPXE has a build for it", async () => {
    const root = seedRoot(tempDir(), { without: ["/var/lib/dpkg/status"] });
    writeFileSync(join(root, "usr/lib/ipxe/ipxe-arm64.efi"), "arm64 iPXE");
    const report = await install(root, inputs(root));
    expect(report.steps[0]).toEqual({ id: "packages", title: "Install packages", changed: true, details: ["would install (root prefix) dnsmasq-base, ipxe, nftables, curl, gpgv, ipmitool, shim-signed, grub-efi-amd64-signed"] });
    expect(report.actions[0]?.command).toMatch(/^DEBIAN_FRONTEND=noninteractive apt-get .* update && .* install --no-install-recommends dnsmasq-base ipxe nftables curl gpgv ipmitool shim-signed grub-efi-amd64-signed$/);
    expect(report.arm64).toBe(true);
    expect(read(root, "/var/lib/tftpboot/ipxe-arm64.efi")).toBe("arm64 iPXE");
    expect(read(root, HOST_PATHS.dnsmasqConfig).split("\n")).toContain("dhcp-boot=tag:!ipxe,tag:arm64,ipxe-arm64.efi");
  });

  it("stops when iPXE is missing", async () => {
    const root = seedRoot(tempDir(), { without: ["/usr/lib/ipxe/undionly.kpxe"] });
    await expect(install(root, inputs(root))).rejects.toThrow(/^iPXE's BIOS binary is missing on .* \(looked for \/usr\/lib\/ipxe\/undionly.kpxe\)$/);
  });

  it("stops when the signed shim is missing, naming the package", async () => {
    const root = seedRoot(tempDir(), { without: ["/usr/lib/shim/shimx64.efi.signed"] });
    const attempt = install(root, inputs(root));
    await expect(attempt).rejects.toThrow(/^Secure Boot's shim \(signed by Microsoft\) binary is missing on .* \(looked for \/usr\/lib\/shim\/shimx64.efi.signed, \/usr\/lib\/shim\/shimx64.efi.signed.latest\)$/);
    await expect(attempt).rejects.toMatchObject({ hint: "install the shim-signed and grub-efi-amd64-signed packages" });
  });

  it("takes Ubuntu's shim (shimx64.efi.signed.latest) and, with nodes.boot_loader grub, tags every UEFI x86_64 machine", async () => {
    const root = seedRoot(tempDir(), { without: ["/usr/lib/shim/shimx64.efi.signed"] });
    mkdirSync(join(root, "usr/lib/shim"), { recursive: true });
    writeFileSync(join(root, "usr/lib/shim/shimx64.efi.signed.latest"), "Ubuntu's shim");
    const report = await install(root, inputs(root, "nodes: { boot_loader: grub }\n"));
    expect(report.steps.find((s) => s.id === "secure-boot")?.details[0]).toBe("copied shimx64.efi (from /usr/lib/shim/shimx64.efi.signed.latest)");
    expect(read(root, "/var/lib/tftpboot/shimx64.efi")).toBe("Ubuntu's shim");
    const conf = read(root, HOST_PATHS.dnsmasqConfig).split("\n");
    expect(conf).toContain("dhcp-match=set:pxectl-grub,option:client-arch,7");
    expect(conf).toContain("dhcp-match=set:pxectl-grub,option:client-arch,9");
  });
});

describe("settings that cannot work", () => {
  it("refuses a DHCP range outside the switch network before touching the host", () => {
    const attempt = () => inputs(tempDir(), "network:\n  address: 192.168.0.1/24\n  dhcp_range: { start: 192.168.0.101, end: 192.168.1.20 }\n");
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow("pxectl.yaml: network.dhcp_range.end: 192.168.1.20 is outside the switch network 192.168.0.0/24 (usable: 192.168.0.1 to 192.168.0.254)");
  });

});

describe("checked activation", () => {
  // pxectl's own checks keep bad values out of the templates, so these feed the checkers
  // broken files directly, as a template bug or a hand-edited file would
  const cases = [
    { name: "dnsmasq --test", path: HOST_PATHS.dnsmasqConfig, content: "interface=eth1\ndhcp-range=192.168.0.10,192.168.0.300,12h\n", check: (t: Target) => dnsmasqTest(t, HOST_PATHS.dnsmasqConfig), says: /: dnsmasq: bad dhcp-range at line 2 of \/etc\/pxectl\/dnsmasq.conf; / },
    { name: "nft -c", path: HOST_PATHS.natRules, content: "table ip pxectl {\n\tchain x { type nat hook nowhere priority 0; }\n}\n", check: (t: Target) => nftCheck(t, HOST_PATHS.natRules), says: /: \/etc\/pxectl\/nat.nft:2:26-32: Error: unknown chain hook; / },
    { name: "systemd-analyze verify", path: HOST_PATHS.natUnit, content: "[Service]\nType=oneshot\nExecStart=/usr/sbin/nft -f /x\nExecStrat=/usr/sbin/nft -f /y\n", check: (t: Target) => systemdVerify(t, ["pxectl-nat.service"]), says: /: \/etc\/systemd\/system\/pxectl-nat.service:4: Unknown key 'ExecStrat' in section \[Service\], ignoring; / },
  ];

  it.each(cases)("never activates a file $name refuses; the old one stays", async ({ path, content, check, says }) => {
    const root = seedRoot(tempDir({ [path.slice(1)]: "# the old file\n" }));
    const target = new Target(host, root);
    const files = await FileSet.plan(target, [{ path, content, mode: 0o644 }]);
    const error = await files.apply(check(target)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).message).toMatch(says);
    expect((error as RemoteError).message).toMatch(/; it was not activated$/);
    expect(read(root, path)).toBe("# the old file\n");
    expect(readdirSync(join(root, dirname(path)))).toEqual([basename(path)]);
  });

  it("checks units on the live system too, in a throwaway unit folder", async () => {
    const dir = tempDir({ "good.service": "[Service]\nType=oneshot\nExecStart=/usr/sbin/nft list tables\n", "bad.service": "[Service]\nType=oneshot\nExecStart=/usr/sbin/nft list tables\nRestartSec=soon\n" });
    const live = new Target(host);
    const check = systemdVerify(live, ["pxectl-nat.service"]);
    await check(new Map([[HOST_PATHS.natUnit, join(dir, "good.service")]]));
    await expect(check(new Map([[HOST_PATHS.natUnit, join(dir, "bad.service")]]))).rejects.toThrow(/^systemd-analyze verify refused the new pxectl-nat.service on .*: \/etc\/systemd\/system\/pxectl-nat.service:4: Failed to parse sec value, ignoring: soon; it was not activated$/);
    expect(readdirSync("/var/tmp").filter((n) => n.startsWith("pxectl-verify."))).toEqual([]);
  });

  /** activateTwo activates a changed a.conf and a new b.conf under a fresh prefix, through via. */
  async function activateTwo(via: RemoteHost) {
    const root = tempDir({ "etc/pxectl/a.conf": "old a\n" });
    const files = await FileSet.plan(new Target(via, root), [
      { path: "/etc/pxectl/a.conf", content: "new a\n", mode: 0o644 },
      { path: "/etc/pxectl/b.conf", content: "new b\n", mode: 0o644 },
    ]);
    const activated = await files.apply();
    expect([read(root, "/etc/pxectl/a.conf"), read(root, "/etc/pxectl/b.conf")]).toEqual(["new a\n", "new b\n"]);
    return { root, activated };
  }

  it("rolls activated files back: old content restored, new files removed", async () => {
    const { root, activated } = await activateTwo(host);
    await activated.rollback();
    expect(readdirSync(join(root, "etc/pxectl"))).toEqual(["a.conf"]);
    expect(read(root, "/etc/pxectl/a.conf")).toBe("old a\n");
  });

  it("activates and rolls back the same when each command runs twice (run again after its answer was lost)", async () => {
    // what the SSH layer does when a connection drops after a command ran: it runs it again
    const twice: RemoteHost = Object.assign(Object.create(host) as RemoteHost, {
      exec: async (command: string, o: Parameters<RemoteHost["exec"]>[1]) => {
        const first = await host.exec(command, o);
        return /^(activate|restore|remove previous)/.test(o?.label ?? "") ? host.exec(command, o) : first;
      },
    });
    for (const finish of ["rollback", "finish"] as const) {
      const { root, activated } = await activateTwo(twice);
      await activated[finish]();
      if (finish === "rollback") {
        expect(readdirSync(join(root, "etc/pxectl"))).toEqual(["a.conf"]);
        expect(read(root, "/etc/pxectl/a.conf")).toBe("old a\n");
      } else {
        expect(readdirSync(join(root, "etc/pxectl")).sort()).toEqual(["a.conf", "b.conf"]);
        expect(read(root, "/etc/pxectl/a.conf")).toBe("new a\n");
      }
    }
  });
});

describe("the switch NIC's address, per host OS", () => {
  // a NIC this machine has: the sshd runs here, and the MAC only has to exist
  const nic = (JSON.parse(execFileSync("ip", ["-j", "link", "show"], { encoding: "utf8" })) as Array<{ ifname: string; address?: string; link_type: string }>).find((l) => l.link_type === "ether" && l.address)!;

  it.each([
    ["Ubuntu 24.04", "netplan", "/etc/netplan/60-pxectl-switch.yaml", 0o600, `macaddress: "${nic.address}"`, "netplan apply"],
    ["Debian 12", "networkd", "/etc/systemd/network/60-pxectl-switch.network", 0o644, `MACAddress=${nic.address}\n`, "systemctl enable --now systemd-networkd.service && networkctl reload"],
  ] as const)("%s: %s configuration, applied once, matched by MAC", async (_os, method, path, fileMode, matches, applies) => {
    const root = tempDir();
    const ula = switchUla(nic.address!);
    expect(ula).toMatch(/^fd[0-9a-f]{2}:(?:0|[1-9a-f][0-9a-f]{0,3}):(?:0|[1-9a-f][0-9a-f]{0,3})::1\/64$/);
    // written as ip(8) prints it: this MAC's digest has a group with a leading zero (0788)
    expect(switchUla("52:54:00:00:00:08")).toBe("fda3:6aff:788::1/64");
    expect(switchUla(nic.address!.toUpperCase())).toBe(ula);
    const first = await configureSwitchNic(host, { mac: nic.address!.toUpperCase(), address: "192.168.0.1/24", ula, method, root });
    expect(first).toMatchObject({ changed: true, interface: nic.ifname, actions: [{ command: applies, ran: false }] });
    expect(read(root, path)).toContain(matches);
    expect(read(root, path)).toContain(method === "netplan" ? `addresses: [192.168.0.1/24, "${ula}"]` : `Address=192.168.0.1/24\n`);
    if (method === "networkd") expect(read(root, path)).toMatch(new RegExp(`Address=${ula}\nLinkLocalAddressing=ipv6\n`));
    expect(mode(root, path)).toBe(fileMode);
    const second = await configureSwitchNic(host, { mac: nic.address!, address: "192.168.0.1/24", ula, method, root });
    expect(second).toMatchObject({ changed: false, actions: [] });
    expect(readdirSync(join(root, dirname(path)))).toEqual([basename(path)]);
    // a changed address is written and applied again
    // a changed address is written and applied again; without a ULA (proxy DHCP) no IPv6 at all
    expect((await configureSwitchNic(host, { mac: nic.address!, address: "192.168.10.1/24", method, root })).changed).toBe(true);
    expect(read(root, path)).toContain("192.168.10.1/24");
    expect(read(root, path)).not.toContain(ula);
    if (method === "networkd") expect(read(root, path)).toContain("LinkLocalAddressing=no\n");
  });

  it("names the MAC when no NIC has it", async () => {
    await expect(configureSwitchNic(host, { mac: "9c:a3:ba:ff:ff:ff", address: "192.168.0.1/24", method: "networkd", root: tempDir() })).rejects.toThrow(/no NIC on .* has the MAC 9c:a3:ba:ff:ff:ff/);
  });
});
