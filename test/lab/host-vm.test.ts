// pxectl init for real on a Debian 12 host VM: the lab's host image (as SakuraCloud's Debian
// 12 archive), a disk edited as SakuraCloud does, booted with systemd as PID 1 in a
// namespace this test makes (NIC 0 on a shared segment, NIC 1 on a switch). The switch NIC
// gets its address as init's switch-nic step gives it on SakuraCloud (systemd-networkd on
// Debian), then `pxectl init --provider existing` installs over SSH, no --root: systemd
// runs matchbox (the real v0.11.0), dnsmasq and the NAT. Checked from the VM's own view,
// run again (nothing changes). The host's reboot is the cloud lab's (test/lab/cloud-lab.test.ts):
// there it goes through the API as on SakuraCloud.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RemoteHost, connectHost } from "../../src/remote";
import { configureSwitchNic, switchUla } from "../../src/remote/installer";
import { runCli } from "../support/cli";
import { type HostVm, bootSecureNode, hostVmUnavailable, startHostVmLab } from "../support/host-vm";
import { Timings } from "../support/lab";

const MATCHBOX = process.env.PXECTL_TEST_MATCHBOX;

function notRunReason(): string | undefined {
  const why = hostVmUnavailable();
  // under CI a missing program is a failure, not a skip; only the real matchbox may be absent
  if (why && !process.env.CI) return why;
  if (!MATCHBOX || !existsSync(MATCHBOX)) return "PXECTL_TEST_MATCHBOX does not name the real matchbox binary (e.g. ../shared/matchbox/matchbox)";
  return undefined;
}

const notRun = notRunReason();
if (notRun) process.stderr.write(`\n!!! HOST VM TEST NOT RUN: ${notRun}. pxectl init against a real Debian 12 host VM is skipped. !!!\n\n`);

const timings = new Timings("host VM timings");
describe.skipIf(notRun !== undefined)("pxectl init on a Debian 12 host VM", () => {
  let lab: HostVm;
  let ssh: RemoteHost;
  let project: string;
  const seenKeys: string[] = [];

  const connect = () =>
    connectHost({
      host: lab.address,
      user: "root",
      credentials: { keyFile: lab.keyFile },
      // the first connection learns the key (checked against disk edit's); later ones pin it
      hostKey: seenKeys[0] ? { pinned: seenKeys[0] } : { onFirstUse: (seen) => void seenKeys.push(seen.fingerprint) },
      log: () => undefined,
    });
  const sh = async (command: string) => (await ssh.exec(command, { okExitCodes: [0, 1, 3, 4] })).stdout.trim();
  const pxectl = (argv: string[]) => runCli(argv, { cwd: project, env: {} });

  beforeAll(async () => {
    lab = await startHostVmLab({ log: (line) => process.stderr.write(`host VM: ${line}\n`) });
    timings.add(`image ${lab.timings.image}`, `boot to SSH ${lab.timings.boot.toFixed(1)} s`);
    ssh = await connect();
    project = mkdtempSync(join(tmpdir(), "pxectl-host-vm-project-"));
    writeFileSync(
      join(project, "pxectl.yaml"),
      ["name: hostvm", "provider: existing", "host:", `  address: ${lab.address}`, "  ssh_user: root", `  ssh_key: ${lab.keyFile}`, "network:", "  address: 192.168.0.1/24", ""].join("\n"),
    );
  }, 1_500_000);

  afterAll(async () => {
    timings.print();
    await ssh?.close();
    await lab?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  }, 120_000);

  it("boots the disk as disk edit wrote it: host name, root's key, no password login, NIC 0's address", async () => {
    expect(seenKeys).toHaveLength(1);
    expect(lab.hostKeys).toContain(seenKeys[0]);
    expect(await sh("hostname")).toBe("demo-matchbox");
    expect(await sh("sshd -T | grep -i '^passwordauthentication'")).toBe("passwordauthentication no");
    expect(await sh("ip -4 -o addr show dev eth0 | awk '{print $4}'")).toBe(`${lab.address}/24`);
    expect(await sh("ip -4 route show default")).toContain(`via ${lab.gateway} dev eth0`);
    expect(await sh("readlink /proc/1/exe")).toBe("/usr/lib/systemd/systemd");
  });

  it("gives the switch NIC its address with systemd-networkd, as init does on SakuraCloud's Debian 12", async () => {
    const ula = switchUla(lab.macs[1]);
    const result = await timings.time("switch NIC", () => configureSwitchNic(ssh, { mac: lab.macs[1], address: "192.168.0.1/24", ula, method: "networkd" }));
    expect(result).toMatchObject({ changed: true, interface: "eth1" });
    expect(await sh("ip -4 -o addr show dev eth1 | awk '{print $4}'")).toBe("192.168.0.1/24");
    // the ULA dnsmasq's router advertisement needs, beside a link-local address to send it from
    expect(await sh("ip -6 -o addr show dev eth1 | awk '{print $4}' | sort")).toMatch(new RegExp(`^${ula.replace("::1/64", "")}::1/64\nfe80::`));
    expect(await sh("systemctl is-enabled systemd-networkd.service")).toBe("enabled");
    // NIC 0 stays with ifupdown: its address and the default route are untouched
    expect(await sh("networkctl list --no-legend eth0 | awk '{print $5}'")).toBe("unmanaged");
    expect(await sh("ip -4 route show default")).toContain(`via ${lab.gateway} dev eth0`);
    expect((await configureSwitchNic(ssh, { mac: lab.macs[1], address: "192.168.0.1/24", ula, method: "networkd" })).changed).toBe(false);
  }, 180_000);

  it("init installs matchbox, dnsmasq and the NAT under systemd, and they run with the files it wrote", async () => {
    const run = await timings.time("init", () => pxectl(["init", "--matchbox-binary", MATCHBOX!, "--skip-assets", "-o", "json"]));
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout) as { host: { hostKey: string }; matchbox: { grpcEndpoint: string; httpEndpoint: string }; steps: Array<{ id: string; detail?: string }> };
    expect(result.matchbox).toEqual({ grpcEndpoint: `${lab.address}:8081`, httpEndpoint: "http://192.168.0.1:8080" });
    expect(result.host.hostKey).toBe(seenKeys[0]);
    // the final check reached matchbox over HTTP on the switch and gRPC with mutual TLS
    expect(result.steps.find((s) => s.id === "verify")?.detail).toMatch(new RegExp(`^HTTP http://192.168.0.1:8080 and gRPC ${lab.address.replaceAll(".", "\\.")}:8081 answer`));

    for (const unit of ["matchbox.service", "pxectl-dnsmasq.service", "pxectl-nat.service"]) {
      expect(`${unit} ${await sh(`systemctl is-active ${unit}`)} ${await sh(`systemctl is-enabled ${unit}`)}`).toBe(`${unit} active enabled`);
    }
    const matchboxLog = await sh("journalctl -b -u matchbox.service --no-pager -o cat");
    expect(matchboxLog).toContain("/etc/matchbox/server.crt");
    expect(matchboxLog).toMatch(/HTTP server on 192\.168\.0\.1:8080/);
    expect(matchboxLog).toMatch(new RegExp(`gRPC server on ${lab.address.replaceAll(".", "\\.")}:8081`));
    const dnsmasqLog = await sh("journalctl -b -u pxectl-dnsmasq.service --no-pager -o cat");
    expect(dnsmasqLog).toMatch(/DHCP, IP range 192\.168\.0\.101 -- 192\.168\.0\.200/);
    expect(dnsmasqLog).toContain("TFTP root is /var/lib/tftpboot");
    expect(await sh("nft list table ip pxectl")).toContain('ip saddr 192.168.0.0/24 oifname "eth0" masquerade');
    expect(await sh("cat /proc/sys/net/ipv4/ip_forward")).toBe("1");
    process.stderr.write(`host VM: matchbox says:\n${matchboxLog.split("\n").slice(0, 6).join("\n")}\nhost VM: dnsmasq says:\n${dnsmasqLog.split("\n").slice(0, 6).join("\n")}\n`);
  }, 900_000);

  it("init run again writes no file and restarts nothing", async () => {
    const before = await sh("systemctl show -p InvocationID --value matchbox.service pxectl-dnsmasq.service pxectl-nat.service");
    const run = await timings.time("init again", () => pxectl(["init", "--matchbox-binary", MATCHBOX!, "--skip-assets", "-o", "json"]));
    expect(run.exitCode).toBe(0);
    const steps = (JSON.parse(run.stdout) as { steps: Array<{ id: string; changed: boolean }> }).steps;
    expect(steps.filter((s) => s.changed).map((s) => s.id)).toEqual([]);
    expect(await sh("systemctl show -p InvocationID --value matchbox.service pxectl-dnsmasq.service pxectl-nat.service")).toBe(before);
  }, 600_000);

  it("puts the Secure Boot chain in the TFTP root from the packages, and tags only GRUB nodes in dnsmasq", async () => {
    // the TFTP root's copies are the packages' files (dpkg --verify: unchanged since installed), byte for byte
    expect(await sh("dpkg-query -W -f='${Package} ${db:Status-Status}\\n' shim-signed grub-efi-amd64-signed | sort")).toBe("grub-efi-amd64-signed installed\nshim-signed installed");
    expect(await sh("dpkg --verify shim-signed grub-efi-amd64-signed && echo verified")).toBe("verified");
    expect(await sh("cmp /usr/lib/shim/shimx64.efi.signed /var/lib/tftpboot/shimx64.efi && echo same")).toBe("same");
    expect(await sh("cmp /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed /var/lib/tftpboot/grubx64.efi && echo same")).toBe("same");
    expect(await sh("readlink /var/lib/tftpboot/assets")).toBe("/var/lib/matchbox/assets");
    const conf = (await sh("cat /etc/pxectl/dnsmasq.conf")).split("\n");
    expect(conf).toContain("dhcp-hostsdir=/var/lib/pxectl/dhcp-hosts");
    expect(conf).toContain("dhcp-boot=tag:!ipxe,tag:efi64,tag:pxectl-grub,shimx64.efi");
    expect(conf).toContain("dhcp-boot=tag:!ipxe,tag:efi64,tag:!pxectl-grub,ipxe.efi");
    expect(conf).toContain("dhcp-boot=tag:!ipxe,tag:bios,undionly.kpxe");
    expect(await sh("ls -A /var/lib/pxectl/dhcp-hosts /var/lib/tftpboot/grub/nodes | grep -v : | grep . || echo none")).toBe("none");
  });

  it("node add --boot-loader grub writes the node's dnsmasq tag and GRUB config on the host; a Secure Boot VM boots shim and GRUB from it; node remove takes them away", async () => {
    const mac = "52:54:00:5b:00:01";
    const add = await timings.time("node add --boot-loader grub", () => pxectl(["node", "add", "--mac", mac, "--name", "sb1", "--boot-loader", "grub"]));
    expect(add.exitCode, add.stderr).toBe(0);
    expect(await sh("cat /var/lib/pxectl/dhcp-hosts/5254005b0001")).toBe(`${mac},set:pxectl-grub`);
    const grubConfig = await sh(`cat /var/lib/tftpboot/grub/nodes/${mac}.cfg`);
    // matchbox's /grub answer for the node (the starter's Flatcar install profile), fetched over TFTP
    expect(grubConfig).toMatch(/^linuxefi "\/assets\/flatcar\/[^"]+\/flatcar_production_pxe\.vmlinuz" /m);
    const render = await pxectl(["profile", "render", "--mac", mac, "--grub"]);
    expect(render.exitCode, render.stderr).toBe(0);
    expect(grubConfig).toContain(render.stdout.split("\n").slice(1).join("\n").trim());
    // dnsmasq read the new file by itself (inotify), no restart
    expect(await sh("journalctl -u pxectl-dnsmasq.service --no-pager -o cat | grep -c 'dhcp-hosts/5254005b0001' || true")).not.toBe("0");
    // pushed again with nothing changed: the files are left as they are
    const stamps = () => sh(`stat -c %Y.%i /var/lib/pxectl/dhcp-hosts/5254005b0001 /var/lib/tftpboot/grub/nodes/${mac}.cfg`);
    const before = await stamps();
    const again = await pxectl(["profile", "apply", "--yes"]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await stamps()).toBe(before);

    // a Secure Boot machine on the switch: OVMF enforcing Secure Boot with Microsoft's keys, as the lab's
    const node = await timings.time("Secure Boot VM to GRUB's kernel request", () => bootSecureNode(lab, mac, () => pxectl(["watch", "sb1", "--timeout", "300s", "--fail-after", "5s", "-o", "json"])));
    const stages = node.events.filter((e) => e.type === "stage").map((e) => e.stage);
    expect(stages, node.watch.stdout).toEqual(["dhcp", "boot-file", "grub", "grub-config"]);
    // the profile's Flatcar kernel is not in matchbox's assets (--skip-assets): GRUB asked for it over TFTP, and watch says so
    expect(node.watch.exitCode, node.watch.stderr).toBe(1);
    expect(node.events.find((e) => e.type === "stuck")).toMatchObject({ node: "sb1", cause: "boot-file-missing" });
    const tftp = await sh("journalctl -u pxectl-dnsmasq.service --no-pager -o cat | grep -E 'sent /var/lib/tftpboot/(shimx64.efi|grubx64.efi|grub/nodes/)' | sed 's/ to .*//' | sort -u");
    expect(tftp.split("\n")).toEqual(expect.arrayContaining(["sent /var/lib/tftpboot/shimx64.efi", "sent /var/lib/tftpboot/grubx64.efi", `sent /var/lib/tftpboot/grub/nodes/${mac}.cfg`]));
    // GRUB ran Debian's signed build under Secure Boot and read the node's config; the kernel is not mirrored (--skip-assets)
    expect(node.console).toContain("pxectl: GRUB on 52:54:00:5b:00:01, Secure Boot chain (shim, GRUB)");

    const dnsmasqStarts = () => sh("journalctl -u pxectl-dnsmasq.service --no-pager -o cat | grep -c '^started, version' || true");
    const startsBefore = Number(await dnsmasqStarts());
    const remove = await pxectl(["node", "remove", "sb1", "--yes"]);
    expect(remove.exitCode, remove.stderr).toBe(0);
    expect(await sh("ls -A /var/lib/pxectl/dhcp-hosts /var/lib/tftpboot/grub/nodes | grep -v : | grep . || echo none")).toBe("none");
    // the removed tag is forgotten by a restart (SIGHUP aborts dnsmasq 2.90 once the host has a lease)
    for (let i = 0; i < 20 && (await sh("systemctl is-active pxectl-dnsmasq.service")) !== "active"; i++) await new Promise((r) => setTimeout(r, 500));
    expect(await sh("systemctl is-active pxectl-dnsmasq.service"), await sh("journalctl -u pxectl-dnsmasq.service --no-pager -o cat -n 20")).toBe("active");
    expect(Number(await dnsmasqStarts())).toBe(startsBefore + 1);
  }, 600_000);
});
